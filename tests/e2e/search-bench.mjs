// Search figures for BENCHMARKS.md: for each query, a fresh page of the index, then the query
// typed into the search box; prints the bytes of the search index the page loaded (the manifest,
// which loads once the page is idle, included) and how long the query took to list the results
// and to fill in their snippets (in the page, performance.now()). Not a test.
//
// usage: node search-bench.mjs <http://host:port/ | site-folder> <query>...
// Bytes are counted over HTTP only (file:// responses carry no size).
import { chromium } from 'playwright-core';
import { execSync } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [target, ...queries] = process.argv.slice(2);
if (!target || !queries.length) {
  console.error('usage: node search-bench.mjs <url | site-folder> <query>...');
  process.exit(2);
}
const base = /^https?:/.test(target) ? target.replace(/\/?$/, '/') : pathToFileURL(resolve(target)).href + '/';
const chromiumPath = process.env.CHROMIUM || execSync('command -v chromium').toString().trim();
const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox'] });
try {
  for (const query of queries) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    // Every file of the search index the page loads, the manifest (loaded when the page is
    // idle, before the query) included.
    let bytes = 0;
    let files = 0;
    page.on('response', async (r) => {
      if (!r.url().includes('/assets/search/')) { return; }
      const body = await r.body().catch(() => null);
      if (body) { bytes += body.length; files += 1; }
    });
    await page.goto(new URL('index.html', base).href, { waitUntil: 'load' });
    await page.waitForTimeout(1500);
    const [listed, done, count] = await page.evaluate((q) => new Promise((done) => {
      const results = () => document.getElementById('search-results');
      const box = document.getElementById('q');
      const t0 = performance.now();
      let t1 = null;
      const check = () => {
        const r = results();
        if (t1 === null && r && r.dataset.query === q) { t1 = performance.now() - t0; }
        if (r && r.dataset.snippets === q) {
          observer.disconnect();
          done([t1, performance.now() - t0, document.getElementById('count').textContent]);
        }
      };
      const observer = new MutationObserver(check);
      observer.observe(document.body, { attributes: true, subtree: true, attributeFilter: ['data-query', 'data-snippets'] });
      box.focus();
      box.value = q;
      box.dispatchEvent(new Event('input'));
    }), query);
    await page.waitForTimeout(200);
    console.log(`${JSON.stringify(query)}: listed in ${listed.toFixed(1)} ms, snippets in ${done.toFixed(1)} ms, ${count}; loaded ${files} files, ${bytes} bytes`);
    await page.close();
  }
} finally {
  await browser.close();
}
