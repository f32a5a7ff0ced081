// Browser test of the site's layout on a phone, of the 404 page at any depth, and of the
// printed SOP, run by tests/cli/e2e.rs.
//
// usage: node layout.test.mjs phone    <site-folder> <screenshot-folder>
//        node layout.test.mjs notfound <site-folder> <site-folder-with-base-url> <base-path> <serve-url> <screenshot-folder>
//        node layout.test.mjs print    <site-folder> <screenshot-folder> <current-version-url>
//
// phone: at 360 × 740 an SOP page shows its title, status, version, owner and the first line
// of its text on the first screen; Details and Contents are folded (and open at 1280 px); a
// table wider than the screen scrolls inside its frame with its first column kept in view
// while the page does not scroll sideways; the search box stays on screen when scrolled and
// "Back to top" goes back up; the index's filters fold behind one button while its search box
// shows; the dashboard's chart labels are 12 px or more; how late a review is, its date and
// who approved each release show without scrolling a table. Screenshots at 360 and 1280 px, light
// and dark.
// notfound: the 404 page is styled (its stylesheet applied) and its links work at depth 2 on a
// static HTTP server (node's http module, answering a missing address with 404.html as GitHub
// Pages and most hosts do): a site without base URL at the host's root and under a sub-path
// (the page finds the root by script), a site with a base URL under its base path
// (root-relative links); and from `sop serve` with a base URL set, without asking any other
// host.
// print: the SOP printed to PDF (page.pdf, read back with pdftotext) has "Printed on DATE —
// uncontrolled when printed — current version: URL" on every page and no page whose last line
// is a heading; the printed date is the day of printing. Pages rendered with pdftoppm when it
// is installed. Chromium: $CHROMIUM, else `chromium` on PATH.
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
import { execFileSync, execSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [mode, ...args] = process.argv.slice(2);
const usage = () => {
  console.error('usage: node layout.test.mjs phone <site> <shots> | notfound <site> <site-with-base> <base-path> <serve-url> <shots> | print <site> <shots> <url>');
  process.exit(2);
};
if (!['phone', 'notfound', 'print'].includes(mode)) usage();

const chromiumPath = process.env.CHROMIUM || execSync('command -v chromium').toString().trim();
const browser = await chromium.launch({
  executablePath: chromiumPath,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const fileUrl = (site, path) => pathToFileURL(join(resolve(site), path)).href;
const SOP = 'sops/SOP-0001.html';

try {
  if (mode === 'phone') await phone(...args);
  else if (mode === 'notfound') await notFound(...args);
  else await print(...args);
  console.log(`ok ${mode}`);
} finally {
  await browser.close();
}

async function phone(site, shots) {
  if (!site || !shots) usage();
  mkdirSync(shots, { recursive: true });
  const open = async (width, height, path, colorScheme = 'light') => {
    const page = await browser.newPage({ viewport: { width, height }, colorScheme });
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(fileUrl(site, path));
    page.errors = errors;
    return page;
  };

  // The first screen of an SOP page.
  const sop = await open(360, 740, SOP);
  const first = await sop.evaluate(() => {
    const box = (sel) => {
      const el = document.querySelector(sel);
      if (!el) return null;
      const r = el.getBoundingClientRect();
      return { top: r.top, bottom: r.bottom, text: el.textContent.trim() };
    };
    const line = [...document.querySelectorAll('.sop-body p, .sop-body li')]
      .find((e) => e.textContent.trim() !== '');
    return {
      title: box('#Sop-title'),
      status: box('.sop-badges .badge[class*="status-"]'),
      version: box('.sop-badges .version'),
      owner: box('.sop-byline'),
      line: line && { top: line.getBoundingClientRect().top, text: line.textContent.trim().slice(0, 60) },
      details: document.querySelector('.meta-panel').open,
      contents: document.querySelector('.toc details')?.open,
      overflow: document.documentElement.scrollWidth - window.innerWidth,
    };
  });
  for (const what of ['title', 'status', 'version', 'owner']) {
    assert.ok(first[what], `the SOP page shows its ${what} at the top`);
    assert.ok(first[what].bottom <= 740, `the ${what} ends at ${first[what].bottom}px, below the first 740px screen`);
  }
  assert.match(first.owner.text, /Sofia Marquez/);
  assert.ok(first.line, 'the SOP page has a first line of text');
  assert.ok(first.line.top < 740, `the first line of the procedure ("${first.line.text}") starts ${first.line.top}px down, below the first 740px screen`);
  assert.equal(first.details, false, 'Details is folded on a phone');
  assert.equal(first.contents, false, 'Contents is folded on a phone');
  assert.ok(first.overflow <= 0, `the SOP page is ${first.overflow}px wider than the phone`);
  await sop.screenshot({ path: join(shots, 'sop-360-first-screen.png') });

  // A table wider than the screen scrolls inside its frame; its first column stays in view.
  const table = await sop.evaluate(() => {
    const wraps = [...document.querySelectorAll('.table-wrap')];
    const wide = wraps.find((w) => w.scrollWidth > w.clientWidth + 20);
    if (!wide) return null;
    wide.scrollIntoView();
    const cs = getComputedStyle(wide);
    const firstCell = wide.querySelector('tbody tr td:first-child');
    const before = firstCell.getBoundingClientRect().left;
    wide.scrollLeft = wide.scrollWidth;
    return {
      label: wide.getAttribute('aria-label'),
      border: cs.borderTopWidth,
      overflowX: cs.overflowX,
      shadows: cs.backgroundImage.split('radial-gradient').length - 1,
      scrolled: wide.scrollLeft,
      firstMoved: firstCell.getBoundingClientRect().left - before,
      firstPosition: getComputedStyle(firstCell).position,
      pageOverflow: document.documentElement.scrollWidth - window.innerWidth,
      right: wide.getBoundingClientRect().right,
    };
  });
  assert.ok(table, 'the SOP page has a table wider than a 360px screen');
  assert.equal(table.overflowX, 'auto', 'the wide table scrolls in its frame');
  assert.notEqual(table.border, '0px', 'the wide table has a visible frame');
  assert.equal(table.shadows, 2, 'the frame draws a scroll cue at each edge');
  assert.ok(table.scrolled > 0, 'the wide table scrolled sideways');
  assert.equal(table.firstPosition, 'sticky');
  assert.ok(Math.abs(table.firstMoved) < 1, `the first column moved ${table.firstMoved}px while the table scrolled`);
  assert.ok(table.pageOverflow <= 0 && table.right <= 360, 'the page itself does not scroll sideways');
  await sop.screenshot({ path: join(shots, 'sop-360-table-scrolled.png') });

  // Scrolled down: the search box stays on screen, and "Back to top" goes back up.
  await sop.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  await sop.waitForFunction(() => !document.querySelector('.to-top').hidden);
  const searchBox = await sop.evaluate(() => {
    const r = document.getElementById('Site-q').getBoundingClientRect();
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return { top: r.top, bottom: r.bottom, hit: hit && hit.id };
  });
  assert.ok(searchBox.top >= 0 && searchBox.bottom <= 740 && searchBox.hit === 'Site-q',
    `the search box is off screen once scrolled: ${JSON.stringify(searchBox)}`);
  await sop.screenshot({ path: join(shots, 'sop-360-scrolled.png') });
  await sop.click('.to-top');
  await sop.waitForFunction(() => window.scrollY === 0);
  assert.deepEqual(sop.errors, []);
  await sop.close();

  // Wide screens open the panels.
  const wideSop = await open(1280, 900, SOP);
  assert.equal(await wideSop.evaluate(() => document.querySelector('.meta-panel').open), true, 'Details is open at 1280px');
  assert.equal(await wideSop.evaluate(() => document.querySelector('.toc details').open), true, 'Contents is open at 1280px');
  await wideSop.close();

  // The index: the search box shows, the filters fold behind one button.
  const index = await open(360, 740, 'index.html');
  assert.ok(await index.isVisible('#q'), 'the index search box shows on a phone');
  assert.equal(await index.isVisible('#f-department'), false, 'the filters are folded on a phone');
  assert.equal(await index.locator('.filters-toggle').count(), 1, 'one Filters button');
  await index.screenshot({ path: join(shots, 'index-360-folded.png') });
  await index.click('.filters-toggle');
  assert.ok(await index.isVisible('#f-department'), 'the Filters button shows the filters');
  assert.equal(await index.evaluate(() => document.documentElement.scrollWidth - window.innerWidth) <= 0, true);
  await index.close();
  const indexWide = await open(1280, 900, 'index.html');
  assert.ok(await indexWide.isVisible('#f-department'), 'the filters show at 1280px');
  await indexWide.close();

  // The dashboard's charts: labels of 12px or more at 360px.
  const dash = await open(360, 740, 'dashboard.html');
  const charts = await dash.evaluate(() => [...document.querySelectorAll('.chart img')]
    .map((img) => ({ src: img.src, scale: img.getBoundingClientRect().width / img.naturalWidth })));
  assert.ok(charts.length > 0, 'the dashboard has charts');
  for (const chart of charts) {
    const svg = await browser.newPage();
    await svg.goto(chart.src);
    const sizes = await svg.evaluate(() => [...document.querySelectorAll('text')]
      .map((t) => parseFloat(getComputedStyle(t).fontSize)));
    await svg.close();
    assert.ok(sizes.length > 0, `${chart.src} has labels`);
    const smallest = Math.min(...sizes) * chart.scale;
    assert.ok(smallest >= 12, `${chart.src}: labels shown at ${smallest.toFixed(1)}px on a 360px screen`);
  }
  assert.ok(await dash.evaluate(() => document.documentElement.scrollWidth - window.innerWidth) <= 0, 'the dashboard fits a 360px screen');
  // What a reader acts on shows without scrolling a table sideways: how late a review is and
  // its date, and on an SOP page who approved each release.
  const late = await dash.evaluate(() => [...document.querySelectorAll('[data-list="overdue"] tbody tr')]
    .map((tr) => [tr.querySelector('.badge'), tr.querySelector('time')]
      .map((e) => e.getBoundingClientRect().right <= window.innerWidth)));
  assert.ok(late.length > 0, 'the dashboard lists an overdue review');
  assert.deepEqual(late, late.map(() => [true, true]), 'how late and the review date show at 360px');
  await dash.close();
  const released = await open(360, 740, 'sops/SOP-0999.html');
  const approvedBy = await released.evaluate(() => [...document.querySelectorAll('.history thead th')]
    .slice(0, 3).map((th) => [th.textContent, th.getBoundingClientRect().right <= window.innerWidth]));
  assert.deepEqual(approvedBy.map(([, shown]) => shown), [true, true, true], `the version, date and approvers show at 360px: ${JSON.stringify(approvedBy)}`);
  assert.equal(approvedBy[2][0], 'Approved by');
  await released.close();

  // Screenshots to look at: 360 and 1280 px, light and dark.
  for (const colorScheme of ['light', 'dark']) {
    for (const [width, height] of [[360, 740], [1280, 900]]) {
      for (const path of ['index.html', SOP, 'departments/index.html', 'dashboard.html']) {
        const page = await open(width, height, path, colorScheme);
        const name = path.replace(/\.html$/, '').replace(/\W+/g, '-');
        await page.screenshot({ path: join(shots, `${name}-${width}-${colorScheme}.png`), fullPage: true });
        await page.close();
      }
    }
  }
}

/** Serve `mounts` (URL prefix → site folder) as a static host: a missing file gets the
 * site's 404.html with status 404. */
function staticHost(mounts) {
  const types = { '.html': 'text/html', '.css': 'text/css', '.js': 'text/javascript', '.svg': 'image/svg+xml', '.xml': 'application/xml' };
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const [prefix, folder] = Object.entries(mounts).find(([p]) => path.startsWith(p)) || [];
    if (!folder) { res.writeHead(404); res.end('no site here'); return; }
    let file = join(folder, path.slice(prefix.length));
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    const found = existsSync(file) && file.startsWith(resolve(folder));
    res.writeHead(found ? 200 : 404, {
      'Content-Type': types[found ? extname(file) : '.html'] || 'application/octet-stream',
      'X-Content-Type-Options': 'nosniff',
    });
    res.end(readFileSync(found ? file : join(folder, '404.html')));
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

async function notFound(plainSite, basedSite, basePath, serveUrl, shots) {
  if (!plainSite || !basedSite || !basePath || !serveUrl || !shots) usage();
  mkdirSync(shots, { recursive: true });
  const server = await staticHost({ '/sub/': resolve(plainSite), [basePath]: resolve(basedSite), '/': resolve(plainSite) });
  const host = `http://127.0.0.1:${server.address().port}`;
  const check = async (url, name) => {
    const page = await browser.newPage({ viewport: { width: 360, height: 740 } });
    const asked = [];
    page.on('request', (r) => asked.push(r.url()));
    const response = await page.goto(url);
    assert.equal(response.status(), 404, `${url} answers 404`);
    // The stylesheet applies: the skip link is moved off screen only by site.css.
    await page.waitForFunction(() => getComputedStyle(document.querySelector('.skip-link')).position === 'absolute',
      null, { timeout: 5000 }).catch(() => assert.fail(`${name}: the 404 page at ${url} is not styled`));
    const links = await page.evaluate(() => [...document.querySelectorAll('main a, .site-nav a')].map((a) => a.href));
    for (const link of links) {
      const r = await page.request.get(link);
      assert.equal(r.status(), 200, `${name}: the 404 page links to ${link}, which answers ${r.status()}`);
    }
    const origin = new URL(url).origin;
    const away = asked.filter((u) => new URL(u).origin !== origin);
    assert.deepEqual(away, [], `${name}: the 404 page asked another host`);
    await page.screenshot({ path: join(shots, `404-${name}.png`) });
    await page.close();
  };
  try {
    await check(`${host}/a/b/missing.html`, 'root');
    await check(`${host}/sub/a/b/missing.html`, 'sub-path');
    await check(`${host}${basePath}a/b/missing.html`, 'base-url');
    await check(new URL('a/b/missing.html', serveUrl.replace(/\/?$/, '/')).href, 'serve');
  } finally {
    server.close();
  }
}

async function print(site, shots, currentUrl) {
  if (!site || !shots || !currentUrl) usage();
  mkdirSync(shots, { recursive: true });
  const page = await browser.newPage();
  await page.goto(fileUrl(site, SOP));
  // The line says the day of printing once the browser is about to print.
  const pad = (n) => String(n).padStart(2, '0');
  const now = new Date();
  const today = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
  await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
  const style = await page.evaluate(() => document.getElementById('Controlled-copy').textContent);
  assert.ok(style.includes(`Printed on ${today}`), `the printed date is not today (${today}): ${style}`);
  await page.evaluate(() => window.dispatchEvent(new Event('afterprint')));

  await page.emulateMedia({ media: 'print' });
  const headings = await page.evaluate(() => [...document.querySelectorAll('main h1, main h2, main h3, main h4, main summary')]
    .filter((h) => h.getClientRects().length > 0)
    .map((h) => {
      const c = h.cloneNode(true);
      c.querySelectorAll('.anchor').forEach((a) => a.remove());
      return c.textContent.replace(/\s+/g, ' ').trim();
    }));
  const pdf = join(shots, 'sop-print.pdf');
  await page.pdf({ path: pdf, format: 'A4', preferCSSPageSize: true });
  await page.close();
  const pages = Number(execFileSync('pdfinfo', [pdf]).toString().match(/^Pages:\s+(\d+)/m)[1]);
  assert.ok(pages >= 2, `the SOP prints on ${pages} page(s); the test needs at least 2`);
  // Spaces and hyphens dropped: pdftotext joins a line broken after a hyphen without it.
  const squeeze = (s) => s.replace(/[\s-]+/g, '');
  const line = new RegExp(`Printedon\\d{8}—uncontrolledwhenprinted—currentversion:${squeeze(currentUrl).replace(/[.?*+^$()[\]{}|\\/]/g, '\\$&')}`);
  for (let n = 1; n <= pages; n += 1) {
    const text = execFileSync('pdftotext', ['-f', String(n), '-l', String(n), pdf, '-']).toString();
    assert.match(squeeze(text), line, `page ${n} of ${pages} has no controlled-copy line:\n${text}`);
    // The page's own text: without the running header and footer.
    const footer = text.match(/Printed on[\s\S]*?\.html/)?.[0] || '';
    const body = text.replace(footer, '').split('\n').map((l) => l.replace(/\s+/g, ' ').trim())
      .filter((l) => l !== '' && !/^Page \d+ of\s*\d*$/.test(l) && !/^\d+$/.test(l)
        && !l.startsWith('SOP-0001 · version') && !l.startsWith('Owner: '));
    const last = body[body.length - 1];
    assert.ok(!headings.includes(last), `page ${n} ends with the heading "${last}"`);
  }
  try {
    execFileSync('pdftoppm', ['-r', '60', '-png', pdf, join(shots, 'sop-print-page')]);
  } catch {
    console.log('pdftoppm is not installed: no images of the printed pages');
  }
  writeFileSync(join(shots, 'headings.txt'), headings.join('\n'));
}
