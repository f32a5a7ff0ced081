// Accessibility check of published pages with axe-core (WCAG 2.1 A and AA rules) in Debian's
// headless Chromium. Usage: node a11y.mjs <site-folder> <page.html>... (a page may carry a
// query, `index.html?q=refund`: the search results are checked once they are shown)
// Prints each violation and exits 1 when there is any.
import { chromium } from 'playwright-core';
import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import path from 'node:path';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const chromiumPath = process.env.CHROMIUM || execSync('command -v chromium').toString().trim();
const [site, ...pages] = process.argv.slice(2);

const browser = await chromium.launch({
  executablePath: chromiumPath,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let failures = 0;
try {
  for (const scheme of ['light', 'dark']) {
    for (const width of [360, 1280]) {
      const page = await browser.newPage({ viewport: { width, height: 900 }, colorScheme: scheme });
      for (const rel of pages) {
        // `index.html?q=refund`: the index showing search results, checked once they are in.
        const [file, query] = rel.split('?');
        await page.goto(pathToFileURL(path.join(site, file)).href + (query ? `?${query}` : ''));
        if (query) {
          await page.waitForSelector('#search-results[data-snippets]', { timeout: 10000 });
        }
        await page.addScriptTag({ content: axeSource });
        const result = await page.evaluate(() => window.axe.run(document, {
          runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
        }));
        for (const v of result.violations) {
          failures += 1;
          const where = v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ');
          console.log(`${rel} (${scheme}, ${width}px): ${v.id}: ${v.help} [${where}]`);
        }
      }
      await page.close();
    }
  }
} finally {
  await browser.close();
}
if (failures > 0) {
  process.exit(1);
}
console.log(`ok: no axe-core violations on ${pages.length} pages`);
