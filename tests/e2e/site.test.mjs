// Browser test of the site built from the project's demo SOPs (sops/), run by tests/cli/e2e.rs.
//
// usage: node site.test.mjs file  <site-folder>            <screenshot-folder>
//        node site.test.mjs serve <http://127.0.0.1:port/>  <screenshot-folder> <sop-file-to-edit>
//
// Checks: the search box finds an SOP by a word of its body, a filter narrows the list, an SOP
// page shows its metadata (and its revision history when it has one), no console errors, and
// screenshots at 360 px and 1280 px. In `serve` mode it also edits an SOP and waits for the open
// page to reload with the change. Chromium: $CHROMIUM, else `chromium` on PATH.
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
import { execSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [mode, target, shots, editFile] = process.argv.slice(2);
if (!['file', 'serve'].includes(mode) || !target || !shots || (mode === 'serve' && !editFile)) {
  console.error('usage: node site.test.mjs file <site-folder> <shots> | serve <url> <shots> <sop-file>');
  process.exit(2);
}
const base = mode === 'file' ? pathToFileURL(resolve(target)).href + '/' : target.replace(/\/?$/, '/');
const url = (path) => new URL(path, base).href;
mkdirSync(shots, { recursive: true });

const chromiumPath = process.env.CHROMIUM || execSync('command -v chromium').toString().trim();
const browser = await chromium.launch({
  executablePath: chromiumPath,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

const problems = [];
async function open(width, path) {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  page.on('pageerror', (e) => problems.push(`${path}: page error: ${e}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`${path}: console: ${m.text()}`); });
  page.on('requestfailed', (r) => {
    // Leaving a page aborts its open reload stream: that is not a problem.
    if (r.failure()?.errorText !== 'net::ERR_ABORTED') problems.push(`${path}: failed to load ${r.url()}`);
  });
  // On a timeout, name the requests that never finished.
  const pending = new Set();
  page.on('request', (r) => pending.add(r.url()));
  page.on('requestfinished', (r) => pending.delete(r.url()));
  page.on('requestfailed', (r) => pending.delete(r.url()));
  try {
    await page.goto(url(path));
  } catch (e) {
    throw new Error(`${path} did not load; unfinished requests: ${[...pending].join(', ')}: ${e}`);
  }
  return page;
}

try {
  // Index: search by a word of the body, then filter.
  const index = await open(1280, 'index.html');
  const total = await index.locator('#sop-list li[data-id]').count();
  assert.ok(total >= 5, `index lists ${total} SOPs`);
  assert.equal(await index.textContent('#count'), `${total} of ${total} SOPs`);
  await index.fill('#q', 'grooming'); // only in the body of SOP-0006
  // Results are listed apart from the plain list (search.js), once the index has loaded.
  await index.waitForFunction(() => document.getElementById('search-results')?.dataset.query === 'grooming');
  assert.equal(await index.textContent('#count'), `1 of ${total} SOPs`);
  const hit = index.locator('#search-results > li .card-title a');
  assert.match(await hit.getAttribute('href'), /SOP-0006\.html$/);
  await index.fill('#q', '');
  await index.waitForFunction(() => !document.getElementById('sop-list').classList.contains('covered'));
  assert.ok(await index.locator('#search-results').isHidden(), 'an empty query shows no results');
  await index.selectOption('#f-department', 'payments');
  const shown = await index.locator('#sop-list li:not([hidden])').count();
  assert.ok(shown > 0 && shown < total, `department filter shows ${shown} of ${total}`);
  for (const dep of await index.locator('#sop-list li:not([hidden])').evaluateAll((els) => els.map((e) => e.dataset.department))) {
    assert.equal(dep, 'payments');
  }
  assert.equal(await index.textContent('#count'), `${shown} of ${total} SOPs`);
  await index.selectOption('#f-department', '');
  await index.screenshot({ path: join(shots, 'index-1280.png'), fullPage: true });
  await index.close();

  // The header search on another page lands on the index with the query applied.
  const dash = await open(1280, 'dashboard.html');
  await dash.fill('#Site-q', 'grooming');
  await dash.press('#Site-q', 'Enter');
  await dash.waitForURL(/index\.html\?q=grooming/);
  await dash.waitForFunction(() => document.getElementById('count').textContent.startsWith('1 of'));
  await dash.goto(url('dashboard.html'));
  await dash.screenshot({ path: join(shots, 'dashboard-1280.png'), fullPage: true });
  await dash.close();

  // An SOP page: metadata panel, contents, body, history.
  const sop = await open(1280, 'sops/SOP-0001.html');
  const meta = await sop.textContent('.meta');
  for (const want of ['SOP-0001', 'Version', 'Sofia Marquez', 'Approved by', 'Priya Nair', 'Effective', 'Next review']) {
    assert.ok(meta.includes(want), `metadata panel shows ${want}`);
  }
  assert.ok(await sop.locator('.toc a[href="#purpose"]').count() === 1, 'table of contents links to #purpose');
  assert.ok(await sop.locator('#purpose').count() === 1, 'heading anchor #purpose exists');
  const historyRows = await sop.locator('.history tbody tr').count();
  if (process.env.SOP_E2E_EXPECT_HISTORY === '1') {
    assert.ok(historyRows > 0, 'revision history is shown');
  }
  await sop.screenshot({ path: join(shots, 'sop-1280.png'), fullPage: true });
  await sop.close();

  // Phone width: nothing wider than the screen.
  for (const path of ['index.html', 'sops/SOP-0001.html', 'dashboard.html']) {
    const page = await open(360, path);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${path} is ${overflow}px wider than a 360px screen`);
    const name = path.replace(/\W+/g, '-').replace(/-html$/, '');
    await page.screenshot({ path: join(shots, `${name}-360.png`), fullPage: true });
    await page.close();
  }

  if (mode === 'serve') {
    const page = await open(1280, 'sops/SOP-0001.html');
    await page.waitForTimeout(300); // let the reload stream connect
    const before = readFileSync(editFile, 'utf8');
    const marker = `Edited by the browser test ${Date.now()}`;
    writeFileSync(editFile, before.replace(/^title: .*$/m, `title: ${marker}`));
    await page.waitForFunction((m) => document.querySelector('h1')?.textContent === m, marker, { timeout: 15000 });
    // sop serve's problems box: a front matter that cannot be read is named over the page,
    // with its file and line, and the box goes when the fix is saved.
    const edited = readFileSync(editFile, 'utf8');
    writeFileSync(editFile, edited.replace(/^status: .*$/m, 'status: [approved'));
    const box = await page.waitForSelector('#sop-serve-problems', { timeout: 15000 });
    const said = await box.textContent();
    assert.match(said, /SOP-0001-account-recovery\.md:\d+/, said);
    await page.screenshot({ path: join(shots, 'serve-problems-1280.png') });
    await page.setViewportSize({ width: 360, height: 740 });
    await page.screenshot({ path: join(shots, 'serve-problems-360.png') });
    writeFileSync(editFile, edited);
    await page.waitForFunction(() => !document.querySelector('#sop-serve-problems'), null, { timeout: 15000 });
    await page.close();
  }

  assert.deepEqual(problems, []);
  console.log(`ok ${mode} ${base}`);
} finally {
  await browser.close();
}
