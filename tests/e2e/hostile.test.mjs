// Browser test of a site built from a hostile repository (XSS payloads in titles, owners, tags,
// bodies and linked files), run by tests/cli/e2e_hostile.rs.
//
// usage: node hostile.test.mjs <site-folder>
//
// Opens every published page (every .html/.htm/.xhtml/.xml/.svg file of the site) and every
// copied attachment under files/ from file:// URLs in headless Chromium, plus the index with a
// hostile search query, and fails on:
//   - any dialog (alert, confirm, prompt, beforeunload),
//   - any console error or uncaught page error,
//   - any request that leaves the site (anything but a file:// URL inside the site folder, or a
//     data: URL); such requests are also aborted, so nothing is fetched,
//   - script left in the DOM: a <script> that is not one of the site's own files under assets/
//     (or, on 404.html only, the theme's inline script that finds the site's root, exactly as
//     templates/site/404.html has it),
//     an on* event attribute, a javascript:/vbscript:/data:text/html URL, an iframe, frame,
//     object, embed, base or meta refresh element, or a srcdoc attribute,
//   - a page whose body or main content is hidden on screen or in print (CSS injection).
// Chromium: $CHROMIUM, else `chromium` on PATH.
import { chromium } from 'playwright-core';
import { execSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

const [target] = process.argv.slice(2);
if (!target) {
  console.error('usage: node hostile.test.mjs <site-folder>');
  process.exit(2);
}
const root = resolve(target);
const base = pathToFileURL(root).href + '/';

/** Every file under `dir`, as paths relative to the site root with `/` separators. */
function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return walk(path);
    return [relative(root, path).split(sep).join('/')];
  });
}

const files = walk(root).sort();
const documents = files.filter((f) => /\.(html?|xhtml|xml|svg)$/i.test(f) || f.startsWith('files/'));
if (!documents.some((f) => f.startsWith('sops/'))) {
  console.error(`no SOP pages under ${root}`);
  process.exit(1);
}

/** Whether `url` stays inside the site. */
function inside(url) {
  if (url.startsWith('data:')) return true;
  if (!url.startsWith('file://')) return false;
  // Resolve `..` before comparing: file:///site/../etc/passwd is outside.
  return new URL(url).href.startsWith(base);
}

const chromiumPath = process.env.CHROMIUM || execSync('command -v chromium').toString().trim();
const browser = await chromium.launch({
  executablePath: chromiumPath,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

const problems = [];

/** Open `path` (relative to the site, may carry a query) and check it; `html` is false for
 * attachments that are not pages. */
async function check(path) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const report = (what) => problems.push(`${path}: ${what}`);
  page.on('dialog', async (d) => {
    report(`${d.type()} dialog: ${JSON.stringify(d.message())}`);
    await d.dismiss().catch(() => {});
  });
  page.on('console', (m) => { if (m.type() === 'error') report(`console error: ${m.text()}`); });
  page.on('pageerror', (e) => report(`page error: ${e}`));
  page.on('request', (r) => { if (!inside(r.url())) report(`request leaves the site: ${r.url()}`); });
  // Names what a "Failed to load resource" console error was about.
  page.on('requestfailed', (r) => {
    if (inside(r.url())) report(`failed to load ${r.url().slice(base.length)}: ${r.failure()?.errorText}`);
  });
  page.on('framenavigated', (f) => {
    const u = f.url();
    if (u !== 'about:blank' && u !== 'about:srcdoc' && !inside(u)) report(`frame navigated to ${u}`);
  });
  // Chromium does not let file:// requests be routed; everything else is aborted here so that
  // nothing is fetched (the request listener above has reported it already).
  await context.route((u) => !u.href.startsWith('file:'), (route) => route.abort());
  const url = new URL(path, base).href;
  try {
    await page.goto(url, { waitUntil: 'load', timeout: 15000 });
    // Let onload handlers, SVG animations, <details ontoggle> and timers run.
    await page.waitForTimeout(400);
    const found = await page.evaluate(inspect, { site: base, rootFinder: path === '404.html' ? ROOT_FINDER : null });
    for (const f of found) report(f);
    for (const media of ['screen', 'print']) {
      await page.emulateMedia({ media });
      const hidden = await page.evaluate(hiddenContent);
      for (const h of hidden) report(`${h} is hidden in ${media} media`);
    }
  } catch (e) {
    report(`could not be checked: ${e.message.split('\n')[0]}`);
  } finally {
    await context.close();
  }
}

/** The inline script of the theme's 404 page, as written in the theme. */
const ROOT_FINDER = readFileSync(new URL('../../templates/site/404.html', import.meta.url), 'utf8')
  .match(/<script>([\s\S]*?)<\/script>/)[1];

/** In the page: what is left in the DOM that could run script. `rootFinder` is the one inline
 * script allowed (on the 404 page). */
function inspect({ site, rootFinder }) {
  const out = [];
  const all = document.querySelectorAll('*');
  const urlAttrs = ['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'poster', 'background',
    'lowsrc', 'dynsrc', 'cite', 'longdesc', 'usemap', 'manifest', 'ping', 'srcset', 'to', 'from', 'values'];
  for (const el of all) {
    const name = el.localName.toLowerCase();
    if (name === 'script') {
      const src = el.getAttribute('src');
      const abs = src && new URL(src, document.baseURI).href;
      const ownInline = !src && rootFinder !== null && el.textContent === rootFinder;
      if (!ownInline && (!abs || !abs.startsWith(site + 'assets/') || el.ownerDocument.contentType !== 'text/html')) {
        out.push(`script element: ${el.outerHTML.slice(0, 120)}`);
      }
    }
    if (['iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'base', 'portal'].includes(name)) {
      out.push(`${name} element: ${el.outerHTML.slice(0, 120)}`);
    }
    if (name === 'meta' && (el.getAttribute('http-equiv') || '').toLowerCase() === 'refresh') {
      out.push(`meta refresh: ${el.outerHTML.slice(0, 120)}`);
    }
    for (const attr of el.attributes) {
      const a = attr.name.toLowerCase();
      if (a.startsWith('on')) out.push(`event handler ${a}= on <${name}>: ${attr.value.slice(0, 80)}`);
      if (a === 'srcdoc') out.push(`srcdoc on <${name}>`);
      if (urlAttrs.includes(a) || a.endsWith(':href')) {
        // Browsers drop ASCII whitespace and control characters inside a scheme.
        const v = attr.value.replace(/[\u0000-\u0020\u007f]+/g, '').toLowerCase();
        // An SVG drawing inline as a `data:` image runs no script (browsers load images
        // with scripting off), so the site shows SVG images that way; anywhere else it counts.
        const inlineImage = name === 'img' && a === 'src' && v.startsWith('data:image/svg+xml;base64,');
        if ((/^(javascript|vbscript|livescript):|^data:(text\/html|application\/xhtml|image\/svg)/.test(v) && !inlineImage)
          || /(^|,)\s*(javascript|vbscript):/.test(v)) {
          out.push(`${a}="${attr.value.slice(0, 80)}" on <${name}>`);
        }
      }
    }
  }
  return out;
}

/** In the page: the body and main content, when styles hide them. */
function hiddenContent() {
  const out = [];
  for (const sel of ['body', 'main', 'article', '.sop-body']) {
    const el = document.querySelector(sel);
    if (!el || document.contentType !== 'text/html') continue;
    const s = getComputedStyle(el);
    if (s.display === 'none' || s.visibility === 'hidden' || Number(s.opacity) === 0) out.push(sel);
  }
  return out;
}

try {
  for (const path of documents) await check(path);
  // Queries reach the index's script: a hostile one must stay text.
  for (const q of ['<img src=x onerror=alert("q")>', '"><svg onload=alert("q2")>', 'javascript:alert("q3")']) {
    await check(`index.html?q=${encodeURIComponent(q)}#${encodeURIComponent(q)}`);
  }
} finally {
  await browser.close();
}

if (problems.length) {
  console.error(`${problems.length} problem(s) in ${documents.length} files of ${root}:`);
  for (const p of problems) console.error(`  ${p}`);
  process.exit(1);
}
console.log(`ok: ${documents.length} files of ${root} opened, no script ran and nothing left the site`);
