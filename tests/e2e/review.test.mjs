// Browser test of review states computed on the reader's day (templates/site/review.js), run by
// tests/cli/e2e.rs on a site built on 2026-11-25 from four SOPs:
//   SOP-0001 next review 2027-01-20 (nothing to show on the build's day),
//   SOP-0002 next review 2027-03-01 (nothing to show on the build's day),
//   SOP-0003 next review 2026-11-01 (overdue on the build's day),
//   SOP-0004 retired.
//
// usage: node review.test.mjs <site-folder> <screenshot-folder>
//
// Without scripts the pages keep the build's day. With the clock faked to the build's day the
// script changes nothing. With the clock faked to 2027-02-01: SOP-0001 is overdue (12 days
// late) on its page, its card and the dashboard; SOP-0002 is due soon (in 28 days); SOP-0003 is
// 92 days late; the counts and the "as of" dates follow; axe-core finds nothing on the pages the
// script changed. Screenshots: review-*.png.
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
import { execSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [site, shots] = process.argv.slice(2);
if (!site || !shots) {
  console.error('usage: node review.test.mjs <site-folder> <screenshot-folder>');
  process.exit(2);
}
const base = pathToFileURL(resolve(site)).href + '/';
mkdirSync(shots, { recursive: true });

const chromiumPath = process.env.CHROMIUM || execSync('command -v chromium').toString().trim();
const browser = await chromium.launch({
  executablePath: chromiumPath,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

const problems = [];
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
/** axe-core (WCAG 2.1 A and AA) on the page as the script left it. */
// axe-core reads the style sheets itself, which file:// refuses with console errors that are not
// the page's.
const underAxe = new WeakSet();
async function axe(page, name) {
  underAxe.add(page);
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
  }));
  for (const v of result.violations) {
    problems.push(`${name}: axe ${v.id}: ${v.help} [${v.nodes.map((n) => n.target.join(' ')).join(' | ')}]`);
  }
}
/** A page at `path` seen on `day` (local noon), or with scripts off when `day` is null. */
async function open(path, day) {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    javaScriptEnabled: day !== null,
  });
  const page = await context.newPage();
  page.on('pageerror', (e) => problems.push(`${path}: page error: ${e}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !underAxe.has(page)) problems.push(`${path}: console: ${m.text()}`);
  });
  if (day !== null) {
    await page.clock.setFixedTime(new Date(`${day}T12:00:00`));
  }
  await page.goto(new URL(path, base).href);
  await page.waitForLoadState('load');
  return page;
}

/** The texts of the review badges a reader sees on the page (or in `scope`). */
async function shownBadges(page, scope = '') {
  return page.locator(`${scope} .review-state .badge`).evaluateAll(
    (els) => els.filter((e) => e.checkVisibility()).map((e) => e.textContent.trim()),
  );
}

/** The dashboard as a reader sees it: tiles, and the rows of each list with their "when". */
async function dashboard(page) {
  return page.evaluate(() => {
    const tile = (id) => document.querySelector(`[data-tile="${id}"] .tile-value`).textContent;
    const rows = (state) => [...document.querySelectorAll(`[data-rows-of="${state}"] tr`)]
      .filter((tr) => tr.checkVisibility())
      .map((tr) => `${tr.cells[0].textContent.split(' ')[0]} ${tr.querySelector('.badge').textContent}`);
    const shown = (sel) => document.querySelector(sel).checkVisibility();
    return {
      overdue: tile('overdue'),
      dueSoon: tile('due-soon'),
      overdueRows: rows('overdue'),
      dueSoonRows: rows('due-soon'),
      overdueEmpty: shown('[data-empty="overdue"]'),
      dueSoonEmpty: shown('[data-empty="due-soon"]'),
      asOf: document.querySelector('.lede time').textContent,
    };
  });
}

try {
  // No scripts: the build's day, as written in the page.
  let page = await open('sops/SOP-0001.html', null);
  assert.deepEqual(await shownBadges(page), []);
  await page.close();
  page = await open('dashboard.html', null);
  const built = await dashboard(page);
  assert.deepEqual(built, {
    overdue: '1', dueSoon: '0', overdueRows: ['SOP-0003 24 days late'], dueSoonRows: [],
    overdueEmpty: false, dueSoonEmpty: true, asOf: '2026-11-25',
  });
  await page.close();

  // The build's day: the script agrees with the page.
  page = await open('dashboard.html', '2026-11-25');
  assert.deepEqual(await dashboard(page), built);
  await page.close();
  page = await open('sops/SOP-0003.html', '2026-11-25');
  assert.deepEqual(await shownBadges(page), ['review overdue', 'overdue']);
  await page.close();

  // Ten weeks later, never rebuilt.
  const later = '2027-02-01';
  page = await open('sops/SOP-0001.html', later);
  assert.deepEqual(await shownBadges(page), ['review overdue', 'overdue']);
  assert.equal(await page.locator('.meta time.review-overdue').textContent(), '2027-01-20');
  assert.equal(await page.locator('.site-footer time').textContent(), later);
  await page.screenshot({ path: join(shots, 'review-sop-2027-02-01.png') });
  await axe(page, 'SOP-0001 on 2027-02-01');
  await page.close();

  page = await open('sops/SOP-0002.html', later);
  assert.deepEqual(await shownBadges(page), ['review due soon', 'due soon']);
  await page.close();

  page = await open('sops/SOP-0004.html', later);
  assert.deepEqual(await shownBadges(page), [], 'a retired SOP has no review');
  assert.equal(await page.locator('.meta dt', { hasText: 'Next review' }).count(), 0);
  await page.close();

  page = await open('index.html', later);
  const cards = await page.evaluate(() => Object.fromEntries(
    [...document.querySelectorAll('#sop-list li[data-id]')].map((li) => [
      li.dataset.id,
      [...li.querySelectorAll('.review-state .badge')].filter((b) => b.checkVisibility()).map((b) => b.textContent),
    ]),
  ));
  assert.deepEqual(cards, {
    'SOP-0001': ['review overdue'],
    'SOP-0002': ['review due soon'],
    'SOP-0003': ['review overdue'],
    'SOP-0004': [],
  });
  await page.close();

  page = await open('dashboard.html', later);
  assert.deepEqual(await dashboard(page), {
    overdue: '2',
    dueSoon: '1',
    overdueRows: ['SOP-0003 92 days late', 'SOP-0001 12 days late'],
    dueSoonRows: ['SOP-0002 in 28 days'],
    overdueEmpty: false,
    dueSoonEmpty: false,
    asOf: later,
  });
  assert.equal(await page.locator('[data-count="overdue"]').textContent(), '2');
  assert.match(await page.locator('[data-tile="overdue"]').getAttribute('class'), /tone-danger/);
  assert.match(await page.locator('[data-tile="due-soon"]').getAttribute('class'), /tone-warning/);
  await page.screenshot({ path: join(shots, 'review-dashboard-2027-02-01.png'), fullPage: true });
  await axe(page, 'dashboard on 2027-02-01');
  await page.close();

  // A day later still: one day late is "1 day late", and the last review is overdue.
  page = await open('dashboard.html', '2027-03-02');
  const d = await dashboard(page);
  assert.deepEqual(d.overdueRows, ['SOP-0003 121 days late', 'SOP-0001 41 days late', 'SOP-0002 1 day late']);
  assert.equal(d.dueSoonEmpty, true);
  await page.close();

  assert.deepEqual(problems, []);
  console.log('ok: review states follow the reader\'s day');
} finally {
  await browser.close();
}
