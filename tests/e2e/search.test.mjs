// Browser test of full-text search, run by tests/cli/e2e.rs on a repository made for it
// (see SEARCH_SOPS there): from file:// and from `sop serve`.
//
// usage: node search.test.mjs <site-folder | http://127.0.0.1:port/> <screenshot-folder>
//
// Checks: a word of the last section of a long SOP finds it, with a snippet and a link to that
// section; `RF-Store`, `store`, `5,000`, `5000` and `fraudcheck` (for `fraud-check`) find the SOP
// with the macro; a Spanish word finds the translation; current ranks above retired; `PIN` does not
// find "keeping"; "escalate" finds "escalation"; `<Enter>` is searchable text; filters work with
// the query; the query is kept in the address (shared links and Back); `/` focuses the search box;
// the browser's stemmer agrees with the index's (tests/fixtures/search/stems.tsv); no console
// errors. Chromium: $CHROMIUM, else `chromium` on PATH.
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
import { execSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [target, shots] = process.argv.slice(2);
if (!target || !shots) {
  console.error('usage: node search.test.mjs <site-folder | url> <screenshot-folder>');
  process.exit(2);
}
const http = /^https?:/.test(target);
const base = http ? target.replace(/\/?$/, '/') : pathToFileURL(resolve(target)).href + '/';
const url = (path) => new URL(path, base).href;
const mode = http ? 'serve' : 'file';
mkdirSync(shots, { recursive: true });

const chromiumPath = process.env.CHROMIUM || execSync('command -v chromium').toString().trim();
const browser = await chromium.launch({
  executablePath: chromiumPath,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

const problems = [];
async function open(path, width = 1280) {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  page.on('pageerror', (e) => problems.push(`${path}: page error: ${e}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`${path}: console: ${m.text()}`); });
  page.on('requestfailed', (r) => {
    if (r.failure()?.errorText !== 'net::ERR_ABORTED') problems.push(`${path}: failed to load ${r.url()}`);
  });
  await page.goto(url(path));
  // Under `sop serve` the test SOPs' lint findings show in the problems box at the foot of the
  // page; a writer hides it with its button, as done here, to read the page under it.
  const hide = page.locator('#sop-serve-problems button');
  if (await hide.count()) { await hide.click(); }
  return page;
}

/** Type `query` into the index's search box; the results once their snippets are in. */
async function search(page, query) {
  await page.fill('#q', query);
  return results(page, query);
}

/** The results shown for `query`: id, title link, and each hit's link, snippet and marks. */
async function results(page, query) {
  await page.waitForFunction((q) => document.getElementById('search-results')?.dataset.snippets === q, query);
  return page.locator('#search-results > li').evaluateAll((els) => els.map((li) => ({
    id: li.dataset.id,
    title: li.querySelector('.card-title a')?.getAttribute('href'),
    hits: Array.from(li.querySelectorAll('.hits > li')).map((h) => ({
      href: h.querySelector('a.hit-link')?.getAttribute('href'),
      snippet: h.querySelector('.snippet')?.textContent ?? '',
      marks: Array.from(h.querySelectorAll('mark')).map((m) => m.textContent),
    })),
  })));
}

const ids = (found) => found.map((r) => r.id);

try {
  const index = await open('index.html');
  const total = await index.locator('#sop-list li[data-id]').count();
  assert.equal(total, 5, 'the test repository publishes five SOPs');

  // The last section of a long SOP: found, with a snippet and a link to that section.
  let found = await search(index, 'zephyrine');
  assert.deepEqual(ids(found), ['SOP-0001']);
  assert.equal(await index.textContent('#count'), `1 of ${total} SOPs`);
  assert.equal(found[0].hits[0].href, 'sops/SOP-0001.html#appendix');
  assert.deepEqual(found[0].hits[0].marks, ['zephyrine']);
  assert.match(found[0].hits[0].snippet, /zephyrine/);
  assert.ok(await index.locator('#sop-list').evaluate((l) => l.getBoundingClientRect().height === 0 && l.classList.contains('covered')),
    'the plain list is covered while results show');
  // The query is in the address; the result link opens the section; Back brings the results.
  await index.waitForURL(/index\.html\?q=zephyrine$/);
  await index.click('#search-results a.hit-link');
  await index.waitForURL(/SOP-0001\.html#appendix$/);
  assert.equal(await index.locator('#appendix').count(), 1, 'the section anchor exists');
  await index.goBack();
  await index.waitForURL(/index\.html\?q=zephyrine$/);
  assert.equal(await index.inputValue('#q'), 'zephyrine');
  found = await results(index, 'zephyrine');
  assert.deepEqual(ids(found), ['SOP-0001']);

  // Compounds whole and split; numbers with separators; hyphenated words written together.
  for (const q of ['RF-Store', 'rf-store', 'store', '5,000', '5000', 'fraud-check', 'fraudcheck', 'rfstore']) {
    found = await search(index, q);
    assert.deepEqual(ids(found), ['SOP-0002'], `${q} finds the SOP with the macro`);
  }
  found = await search(index, 'RF-Store');
  assert.ok(found[0].hits[0].marks.includes('RF-Store'), `the snippet marks RF-Store: ${JSON.stringify(found[0].hits)}`);
  found = await search(index, 'fraudcheck');
  assert.ok(found[0].hits[0].marks.includes('fraud-check'), `the snippet marks fraud-check: ${JSON.stringify(found[0].hits)}`);

  // A Spanish word (and its singular, by stemming) finds the translation.
  for (const q of ['reembolsos', 'reembolso']) {
    found = await search(index, q);
    assert.deepEqual(ids(found), ['SOP-0002'], `${q} finds the Spanish translation`);
    assert.match(found[0].hits[0].href, /^sops\/SOP-0002\.es\.html/, `${q}: the hit opens the translation`);
    assert.ok(found[0].hits[0].marks.some((m) => /reembolsos/i.test(m)), `${q}: the snippet marks the word`);
  }

  // Current before retired, although the retired one says it in its title.
  found = await search(index, 'chargeback');
  assert.deepEqual(ids(found), ['SOP-0004', 'SOP-0003']);

  // No match inside a word: PIN finds the PIN SOP, not "keeping".
  found = await search(index, 'PIN');
  assert.deepEqual(ids(found), ['SOP-0005']);
  assert.deepEqual(found[0].hits[0].marks, ['PIN']);

  // Light stemming.
  found = await search(index, 'escalate');
  assert.deepEqual(ids(found), ['SOP-0005']);
  assert.ok(found[0].hits[0].marks.includes('escalation'), JSON.stringify(found[0].hits));

  // Angle brackets that are not HTML are text, shown as text.
  found = await search(index, 'enter');
  assert.deepEqual(ids(found), ['SOP-0002']);
  assert.match(found[0].hits[0].snippet, /Press <Enter> to send/);

  // Every word must match; the last one also by prefix.
  found = await search(index, 'chargeback disp');
  assert.deepEqual(ids(found), ['SOP-0004']);
  found = await search(index, 'zzznothing');
  assert.deepEqual(ids(found), []);
  assert.equal(await index.textContent('#count'), `0 of ${total} SOPs`);
  assert.ok(await index.locator('#no-results').isVisible(), 'the empty message shows');

  // Filters work with the query, and both go into the address.
  found = await search(index, 'chargeback');
  await index.selectOption('#f-status', 'retired');
  found = await results(index, 'chargeback');
  assert.deepEqual(ids(found), ['SOP-0003']);
  await index.waitForURL(/\?q=chargeback&status=retired$/);
  await index.screenshot({ path: join(shots, 'search-results-1280.png'), fullPage: true });
  // A shared link opens the same results.
  const shared = await open('index.html?q=chargeback&status=retired', 360);
  assert.equal(await shared.inputValue('#f-status'), 'retired');
  assert.deepEqual(ids(await results(shared, 'chargeback')), ['SOP-0003']);
  await shared.screenshot({ path: join(shots, 'search-results-360.png'), fullPage: true });
  await shared.close();
  // Clearing the query shows the filtered list again.
  await index.fill('#q', '');
  await index.waitForFunction(() => !document.getElementById('sop-list').classList.contains('covered'));
  assert.equal(await index.locator('#sop-list li:not([hidden])').count(), 1);
  assert.ok(await index.locator('#search-results').isHidden(), 'the results are gone with the query');
  await index.waitForURL(/index\.html\?status=retired$/);

  // The browser stems as the index does.
  const cases = readFileSync(new URL('../fixtures/search/stems.tsv', import.meta.url), 'utf8')
    .split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split('\t'));
  assert.ok(cases.length >= 20);
  const stems = await index.evaluate((cs) => cs.map(([lang, word]) => window.SOP_SEARCH.stem(lang, word)), cases);
  assert.deepEqual(stems, cases.map((c) => c[2]));
  await index.close();

  // `/` focuses the search box, on the index and on any other page; not while typing.
  const sop = await open('sops/SOP-0002.html');
  await sop.keyboard.press('/');
  assert.equal(await sop.evaluate(() => document.activeElement?.id), 'Site-q');
  await sop.fill('#Site-q', 'RF-Store');
  await sop.press('#Site-q', 'Enter');
  await sop.waitForURL(/index\.html\?q=RF-Store$/);
  assert.deepEqual(ids(await results(sop, 'RF-Store')), ['SOP-0002']);
  await sop.locator('#q').blur();
  await sop.keyboard.press('/');
  assert.equal(await sop.evaluate(() => document.activeElement?.id), 'q');
  await sop.keyboard.type('/x');
  assert.equal(await sop.inputValue('#q'), '/x', 'a slash typed in the box stays text');
  await sop.close();

  assert.deepEqual(problems, []);
  console.log(`ok search ${mode} ${base}`);
} finally {
  await browser.close();
}
