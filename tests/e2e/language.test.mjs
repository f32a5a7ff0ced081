// Browser test of the texts the site's scripts write, on a site whose `[site] language` is
// Spanish, run by tests/cli/e2e.rs on the search test's repository (four SOPs in force whose
// review falls on 2027-03-01, one retired).
//
// usage: node language.test.mjs <site-folder>
//
// Checks: search.js counts the results ("1 de 5 SOP"), names the results list and its "show
// more" button in Spanish; review.js says when a review is due in Spanish on the reader's day
// (the clock faked): "en 1 día", "vence hoy", "1 día de retraso", "3 días de retraso"; no
// English is left in those places; no console errors.
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
import { execSync } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [site] = process.argv.slice(2);
if (!site) {
  console.error('usage: node language.test.mjs <site-folder>');
  process.exit(2);
}
const base = pathToFileURL(resolve(site)).href + '/';

const chromiumPath = process.env.CHROMIUM || execSync('command -v chromium').toString().trim();
const browser = await chromium.launch({
  executablePath: chromiumPath,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

const problems = [];
async function open(path, day) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (e) => problems.push(`${path}: page error: ${e}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`${path}: console: ${m.text()}`); });
  if (day) { await page.clock.setFixedTime(new Date(`${day}T12:00:00`)); }
  await page.goto(new URL(path, base).href);
  return page;
}

try {
  const index = await open('index.html');
  assert.equal(await index.getAttribute('html', 'lang'), 'es');
  await index.fill('#q', 'zephyrine');
  await index.waitForFunction(() => document.getElementById('search-results')?.dataset.snippets === 'zephyrine');
  assert.equal(await index.textContent('#count'), '1 de 5 SOP');
  assert.equal(await index.getAttribute('#search-results', 'aria-label'), 'Resultados de la búsqueda');
  assert.equal(await index.textContent('button.more-results'), 'Mostrar más resultados');
  await index.fill('#q', 'nothingmatchesthis');
  await index.waitForFunction(() => document.getElementById('search-results')?.dataset.query === 'nothingmatchesthis');
  assert.equal(await index.textContent('#count'), '0 de 5 SOP');

  for (const [day, when] of [
    ['2027-02-28', 'en 1 día'],
    ['2027-03-01', 'vence hoy'],
    ['2027-03-02', '1 día de retraso'],
    ['2027-03-04', '3 días de retraso'],
  ]) {
    const dashboard = await open('dashboard.html', day);
    const badges = await dashboard.locator('#review-lists tr[data-next-review="2027-03-01"] .badge').allTextContents();
    assert.equal(badges.length, 4, `${day}: the four reviews of 2027-03-01 are listed`);
    assert.deepEqual([...new Set(badges)], [when], `${day}: ${badges}`);
    await dashboard.close();
  }
  assert.deepEqual(problems, []);
  console.log('language: search and review texts are Spanish');
} finally {
  await browser.close();
}
