// Browser test of text that must never vanish, run by tests/cli/e2e.rs: words in angle brackets
// (`Press <Enter>`, `Hi <first name>,`), e-mail autolinks, a template prompt marked in a draft
// preview, and checklist boxes a reader can tick, which print as empty boxes.
//
// usage: node text.test.mjs <approved-page.html> <draft-page.html> <screenshot-folder>
//
// Screenshots: text-1280-light.png (the approved page), draft-360-light.png,
// draft-360-dark.png (the draft with its prompt), text-print.png (print emulated).
// Chromium: $CHROMIUM, else `chromium` on PATH.
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
import { execSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [approvedPage, draftPage, shots] = process.argv.slice(2);
if (!approvedPage || !draftPage || !shots) {
  console.error('usage: node text.test.mjs <approved-page.html> <draft-page.html> <screenshot-folder>');
  process.exit(2);
}
mkdirSync(shots, { recursive: true });
const url = (p) => pathToFileURL(resolve(p)).href;

const chromiumPath = process.env.CHROMIUM || execSync('command -v chromium').toString().trim();
const browser = await chromium.launch({
  executablePath: chromiumPath,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

try {
  // The approved page, as a reader sees it.
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(url(approvedPage));
  const text = await page.locator('main').innerText();
  for (const shown of ['Press <Enter> to send', 'Hi <first name>,', '<Say in one sentence why this exists.>']) {
    assert.ok(text.includes(shown), `"${shown}" is not shown on the page:\n${text}`);
  }
  assert.ok((await page.locator('h1').innerText()).includes('Replies sent with <Enter>'));
  assert.match(await page.title(), /Replies sent with <Enter>/);
  // HTML the site keeps still works: the keys, and the box that opens.
  assert.equal(await page.locator('main kbd').count(), 2);
  await page.locator('main summary', { hasText: 'Keys' }).click();
  assert.ok(await page.getByText('Hold <Shift> too.').isVisible(), 'text inside <details> is shown');
  const mail = page.getByRole('link', { name: 'payments@example.com' });
  assert.equal(await mail.getAttribute('href'), 'mailto:payments@example.com');
  assert.equal(await page.locator('main mark.prompt').count(), 0, 'approved text has no "to write" marks');

  // A checklist box is named by its item, can be ticked by its text, and is not saved.
  const box = page.getByRole('checkbox', { name: 'Check the ID' });
  assert.ok(await box.isEnabled(), 'the box can be ticked');
  assert.equal(await box.isChecked(), false);
  await page.getByText('Check the ID').click();
  assert.equal(await box.isChecked(), true, 'clicking the item text ticks its box');
  await box.press('Space');
  assert.equal(await box.isChecked(), false, 'the keyboard unticks it');
  assert.equal(await page.getByRole('checkbox', { name: 'Read the case' }).isChecked(), true);
  await page.screenshot({ path: join(shots, 'text-1280-light.png'), fullPage: true });

  // Printed, every box is an empty square to tick by pen, ticked ones too.
  await page.getByText('Check the ID').click();
  await page.emulateMedia({ media: 'print' });
  const printed = await page.locator('main label.task input').evaluateAll((boxes) => boxes.map((b) => {
    const s = getComputedStyle(b);
    return { appearance: s.appearance, border: s.borderTopStyle, width: b.getBoundingClientRect().width };
  }));
  assert.equal(printed.length, 2);
  for (const p of printed) {
    assert.equal(p.appearance, 'none', 'a printed box draws no tick');
    assert.equal(p.border, 'solid', 'a printed box has a frame');
    assert.ok(p.width >= 8, `a printed box is visible (${p.width} px wide)`);
  }
  await page.screenshot({ path: join(shots, 'text-print.png'), fullPage: true });
  await page.close();

  // The draft preview marks the prompt, on a phone, light and dark.
  for (const scheme of ['light', 'dark']) {
    const draft = await browser.newPage({ viewport: { width: 360, height: 740 }, colorScheme: scheme });
    await draft.goto(url(draftPage));
    // Lint reads `<first name>` as a prompt too, so both are marked.
    assert.equal(await draft.locator('main mark.prompt').count(), 2);
    const prompt = draft.locator('main mark.prompt', { hasText: 'Say in one sentence' });
    assert.ok(await prompt.isVisible());
    assert.equal((await prompt.innerText()).replace(/\s+/g, ' ').trim().toLowerCase(),
      'to write: <say in one sentence why this exists.>');
    const fits = await draft.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
    assert.ok(fits, 'the page does not scroll sideways at 360 px');
    await prompt.scrollIntoViewIfNeeded();
    await draft.screenshot({ path: join(shots, `draft-360-${scheme}.png`) });
    await draft.close();
  }
} finally {
  await browser.close();
}
console.log('ok: text in angle brackets, prompts, e-mail links and checklists');
