// Browser test of the boxes of notes and warnings on an SOP page (MkDocs admonitions, GitHub
// alerts, attribute lists dropped), run by tests/cli/e2e.rs.
//
// usage: node boxes.test.mjs <sop-page.html> <screenshot-folder> <box-count>
//
// At phone width (375 px), in the light and the dark colour scheme: every box is shown, fits
// the screen (the page does not scroll sideways), shows its title, and every piece of text in
// it (title, body, links, code) has a contrast of at least 4.5:1 (WCAG AA) against the colour
// behind it. In print (emulated, and as a real PDF read back with pdftotext): every box is
// shown, the content of collapsed `???` boxes is shown, and every text on the page keeps 4.5:1
// in both colour schemes, printed with or without backgrounds. Nowhere is raw `!!!`, `???`,
// `[!NOTE]`-style or `{:` text left. Screenshots: boxes-375-light.png,
// boxes-375-dark.png, boxes-print-{light,dark}.png and .pdf. Chromium: $CHROMIUM, else
// `chromium` on PATH.
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
import { execFileSync, execSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [target, shots, count] = process.argv.slice(2);
if (!target || !shots || !count) {
  console.error('usage: node boxes.test.mjs <sop-page.html> <screenshot-folder> <box-count>');
  process.exit(2);
}
const url = pathToFileURL(resolve(target)).href;
const boxCount = Number(count);
mkdirSync(shots, { recursive: true });

const WIDTH = 375;
const RAW = ['!!!', '???', '[!NOTE]', '[!TIP]', '[!IMPORTANT]', '[!WARNING]', '[!CAUTION]', '{:'];

const chromiumPath = process.env.CHROMIUM || execSync('command -v chromium').toString().trim();
const browser = await chromium.launch({
  executablePath: chromiumPath,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

/**
 * Runs in the page: what each box looks like. For every `.callout`: its place, whether it and
 * its title are shown, its name, and for every shown piece of text in it the contrast against
 * the colour painted behind it. Also the collapsed boxes' hidden content, and the page's width.
 */
function measure() {
  const parse = (css) => {
    const m = css.match(/^rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)$/);
    if (!m) throw new Error(`cannot read the colour ${css}`);
    return [Number(m[1]), Number(m[2]), Number(m[3]), m[4] === undefined ? 1 : Number(m[4])];
  };
  const over = (top, below) => {
    const a = top[3];
    return [0, 1, 2].map((i) => top[i] * a + below[i] * (1 - a)).concat(1);
  };
  // The colour behind `el`: its own background and its ancestors', blended down to an opaque one.
  const behind = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const bg = parse(getComputedStyle(e).backgroundColor);
      if (bg[3] > 0) layers.push(bg);
      if (bg[3] === 1) break;
    }
    let color = [255, 255, 255, 1];
    for (const layer of layers.reverse()) color = over(layer, color);
    return color;
  };
  const luminance = (c) => {
    const [r, g, b] = c.slice(0, 3).map((v) => {
      const s = v / 255;
      return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const contrast = (fg, bg) => {
    const [hi, lo] = [luminance(fg), luminance(bg)].sort((a, b) => b - a);
    return (hi + 0.05) / (lo + 0.05);
  };
  const shown = (el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && el.checkVisibility({ visibilityProperty: true, opacityProperty: true, contentVisibilityAuto: true });
  };
  // Every shown element under `root` with text of its own, and its contrast.
  const texts = (root) => {
    const out = [];
    for (const el of [root, ...root.querySelectorAll('*')]) {
      const own = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
      if (!own || !shown(el)) continue;
      const bg = behind(el);
      const color = parse(getComputedStyle(el).color);
      const white = [255, 255, 255, 1];
      out.push({
        tag: el.tagName.toLowerCase(),
        text: el.textContent.trim().slice(0, 40),
        ratio: contrast(over(color, bg), bg),
        // Printed without backgrounds (the browsers' default), text stands on white paper.
        paper: contrast(over(color, white), white),
      });
    }
    return out;
  };
  const viewport = document.documentElement.clientWidth;
  const boxes = [...document.querySelectorAll('.callout')].map((box, index) => {
    const r = box.getBoundingClientRect();
    const title = box.querySelector(':scope > .callout-title');
    const name = title ? title.textContent.trim() : `(${box.getAttribute('aria-label') || 'no title'})`;
    return {
      index,
      name,
      className: box.className,
      left: r.left,
      right: r.right,
      shown: shown(box),
      overflows: box.scrollWidth > box.clientWidth + 1,
      titleShown: title ? shown(title) : box.hasAttribute('aria-label'),
      texts: texts(box),
    };
  });
  // Everything a collapsed box holds besides its summary.
  const collapsed = [...document.querySelectorAll('details.callout:not([open])')].flatMap((d) =>
    [...d.children].filter((c) => c.tagName !== 'SUMMARY').map((c) => ({
      text: c.textContent.trim().slice(0, 40),
      shown: shown(c),
    })));
  return {
    pageLuminance: luminance(behind(document.querySelector('.prose'))),
    viewport,
    scrollWidth: document.documentElement.scrollWidth,
    boxes,
    collapsed,
    page: texts(document.querySelector('main')),
    source: document.body.textContent,
  };
}

const problems = [];
const fail = (what) => problems.push(what);

/** Problems with the boxes of one view, whose page is `dark` or light. */
function judge(view, m, { printed, dark }) {
  if (dark !== m.pageLuminance < 0.2) fail(`${view}: the page is not ${dark ? 'dark' : 'light'}`);
  if (m.boxes.length !== boxCount) fail(`${view}: ${m.boxes.length} boxes on the page, expected ${boxCount}`);
  if (m.scrollWidth > m.viewport) fail(`${view}: the page is ${m.scrollWidth - m.viewport}px wider than the screen`);
  for (const b of m.boxes) {
    const who = `${view}: box ${b.index + 1} "${b.name}" (${b.className})`;
    if (!b.shown) fail(`${who} is not shown`);
    if (!b.titleShown) fail(`${who}: its title is not shown`);
    if (b.left < 0 || b.right > m.viewport + 0.5) fail(`${who} spans ${b.left}..${b.right}px, outside the ${m.viewport}px screen`);
    if (b.overflows) fail(`${who}: its content is wider than the box`);
    if (b.texts.length === 0) fail(`${who} shows no text`);
    for (const t of b.texts) {
      if (t.ratio < 4.5) fail(`${who}: <${t.tag}> "${t.text}" has contrast ${t.ratio.toFixed(2)}:1, below 4.5:1`);
    }
  }
  if (printed) {
    // On paper the whole page must read well, whatever colour scheme the browser had, printed
    // with or without backgrounds.
    for (const t of m.page) {
      const ratio = Math.min(t.ratio, t.paper);
      if (ratio < 4.5) fail(`${view}: <${t.tag}> "${t.text}" has contrast ${ratio.toFixed(2)}:1 on paper, below 4.5:1`);
    }
    if (m.collapsed.length === 0) fail(`${view}: no collapsed box to check`);
    for (const c of m.collapsed) {
      if (!c.shown) fail(`${view}: the content of a collapsed box ("${c.text}") is not printed`);
    }
  }
  for (const raw of RAW) {
    if (m.source.includes(raw)) fail(`${view}: raw "${raw}" is left on the page`);
  }
}

try {
  for (const scheme of ['light', 'dark']) {
    const page = await browser.newPage({ viewport: { width: WIDTH, height: 800 }, colorScheme: scheme });
    page.on('pageerror', (e) => fail(`${scheme}: page error: ${e}`));
    await page.goto(url);
    const m = await page.evaluate(measure);
    judge(`${WIDTH}px ${scheme}`, m, { printed: false, dark: scheme === 'dark' });
    // A collapsed box opens when its title is tapped.
    const closed = await page.locator('details.callout:not([open])').first().elementHandle();
    const summary = await closed.$('summary');
    await summary.click();
    assert.equal(await closed.evaluate((d) => d.open), true, 'tapping a collapsed box opens it');
    await summary.click();
    assert.equal(await closed.evaluate((d) => d.open), false, 'tapping it again closes it');
    await page.screenshot({ path: join(shots, `boxes-${WIDTH}-${scheme}.png`), fullPage: true });
    await page.close();
  }

  // Print, as seen by the page (emulated print media at the width of A4 paper), in both colour
  // schemes (a browser set to dark still prints on white paper); then a real PDF.
  for (const scheme of ['light', 'dark']) {
    const page = await browser.newPage({ viewport: { width: 794, height: 1123 }, colorScheme: scheme });
    await page.goto(url);
    await page.emulateMedia({ media: 'print' });
    const m = await page.evaluate(measure);
    judge(`print ${scheme}`, m, { printed: true, dark: false });
    await page.screenshot({ path: join(shots, `boxes-print-${scheme}.png`), fullPage: true });
    const pdf = join(shots, `boxes-print-${scheme}.pdf`);
    await page.pdf({ path: pdf, format: 'A4', printBackground: true });
    await page.close();
    const printed = execFileSync('pdftotext', ['-layout', pdf, '-']).toString();
    const titles = m.boxes.map((b) => b.name).filter((n) => !n.startsWith('('));
    for (const want of [...titles, ...m.collapsed.map((c) => c.text)]) {
      if (!printed.replace(/\s+/g, ' ').includes(want)) fail(`PDF ${scheme}: "${want}" is not in the printed text`);
    }
    for (const raw of RAW) {
      if (printed.includes(raw)) fail(`PDF ${scheme}: raw "${raw}" is printed`);
    }
  }

  if (problems.length > 0) {
    console.error(problems.join('\n'));
    process.exitCode = 1;
  } else {
    console.log(`ok: ${boxCount} boxes at ${WIDTH}px light and dark, and in print`);
  }
} finally {
  await browser.close();
}
