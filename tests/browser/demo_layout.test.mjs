// The demo page (web/demo/) as a person sees it, at desktop (1280 px) and phone (390 px) widths:
// the search box, the heading and the results don't overlap, nothing is wider than the viewport,
// results are titled cards with highlighted snippets, the controls have accessible names, the
// status line is a live region, and a query that matches nothing shows an empty state instead of
// listing every document by its dense score. Full-page screenshots go to build/test-artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from '../../scripts/serve.mjs';
import { CHROMIUM_ARGS } from './harness.mjs';

const ARTIFACTS = fileURLToPath(new URL('../../build/test-artifacts/', import.meta.url));
const QUERY = 'hybrid search filter';
const NONSENSE = 'zzzqqq';

let server;
let url;
let browser;
before(async () => {
  ({ server, url } = await startServer({ port: 0 }));
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  await mkdir(ARTIFACTS, { recursive: true });
});
after(async () => {
  await browser?.close();
  server?.closeAllConnections();
  await new Promise((r) => (server ? server.close(r) : r()));
});

const overlaps = (a, b) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

async function search(page, query) {
  await page.fill('#query', query);
  await page.waitForFunction((q) => {
    const list = document.querySelector('#results');
    return list.dataset.query === q && list.dataset.state !== 'error';
  }, query);
}

for (const { name, options } of [
  { name: 'desktop', options: { viewport: { width: 1280, height: 800 } } },
  { name: 'phone', options: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 } },
]) {
  test(`demo layout at ${name} width (${options.viewport.width} px)`, async () => {
    // A new context: its own, empty IndexedDB, so the page indexes the corpus (progress shown).
    const context = await browser.newContext(options);
    const errors = [];
    const page = await context.newPage();
    page.on('pageerror', (e) => errors.push(String(e)));
    // Records what the indexing progress showed while it was visible (the page hides it when done).
    await page.addInitScript(() => {
      window.progressSeen = [];
      document.addEventListener('DOMContentLoaded', () => {
        const box = document.querySelector('#progress-box');
        const bar = document.querySelector('#progress');
        const record = () => {
          if (!box.hidden && box.getBoundingClientRect().height > 0) {
            window.progressSeen.push({ value: bar.value, label: document.querySelector('#progress-label').textContent });
          }
        };
        new MutationObserver(record).observe(box, { attributes: true, subtree: true, childList: true, characterData: true });
      });
    });
    try {
      await page.goto(`${url}/web/demo/`);
      await page.waitForFunction(() => window.ospreyDemoReady === true, null, { timeout: 60000 });

      // Accessible names, the live status region, the progress bar's label.
      assert.equal(await page.getAttribute('#status', 'aria-live'), 'polite');
      assert.equal(await page.getByLabel('Search the documentation').getAttribute('id'), 'query');
      assert.equal(await page.getByRole('combobox', { name: /Show up to/ }).getAttribute('id'), 'k');
      assert.equal(await page.getByRole('button', { name: 'Rebuild index' }).getAttribute('id'), 'reset');
      assert.equal(await page.$eval('#progress', (p) => p.labels.length === 1 && p.labels[0].textContent.trim() !== ''), true);
      assert.equal(await page.$eval('#progress-box', (b) => b.hidden), true, 'the progress bar goes once indexed');
      const progress = await page.evaluate(() => window.progressSeen);
      assert.ok(progress.some((p) => p.value === 1 && /Indexing the documentation: (\d+) of \1 documents/.test(p.label)),
        JSON.stringify(progress.slice(-3)));
      assert.ok(progress.some((p) => p.value > 0 && p.value < 1), 'the bar moved while indexing');

      await search(page, QUERY);
      assert.equal(await page.getAttribute('#results', 'data-state'), 'results');
      assert.match(await page.textContent('#status'),
        /^\d+ of \d+ documents match in \d+\.\d ms \(hybrid: BM25 \+ osprey-static-en\)/);

      const viewport = await page.evaluate(() => ({ width: innerWidth, scrollWidth: document.documentElement.scrollWidth }));
      assert.ok(viewport.scrollWidth <= viewport.width, `page is ${viewport.scrollWidth} px wide in a ${viewport.width} px viewport`);
      const tooWide = await page.evaluate(() => [...document.body.querySelectorAll('*')].filter((el) => {
        const r = el.getBoundingClientRect();
        return r.width > 0 && r.height > 0 && (r.left < -0.5 || r.right > innerWidth + 0.5);
      }).map((el) => `${el.tagName.toLowerCase()}.${el.className}`));
      assert.deepEqual(tooWide, [], 'elements that stick out of the viewport');

      const input = await page.locator('#query').boundingBox();
      const heading = await page.locator('h1').boundingBox();
      const first = page.locator('#results > li').first();
      const result = await first.boundingBox();
      assert.ok(!overlaps(input, heading), 'search box over the heading');
      assert.ok(!overlaps(input, result), 'search box over the first result');
      assert.ok(!overlaps(heading, result), 'heading over the first result');
      assert.ok(heading.y + heading.height <= input.y && input.y + input.height <= result.y, 'heading, then search box, then results');
      assert.ok(input.x >= 0 && input.x + input.width <= viewport.width, 'search box within the viewport');
      if (name === 'phone') assert.ok(input.width >= 0.6 * viewport.width, `search box ${input.width} px of ${viewport.width}`);
      const status = await page.locator('#status').boundingBox();
      assert.ok(!overlaps(input, status) && !overlaps(status, result), 'status line clear of the box and the results');

      // The first result: a card in a list, with a heading and a snippet that highlights a query word.
      assert.equal(await first.evaluate((li) => li.parentElement.tagName), 'OL');
      const title = (await first.locator('h3').textContent()).trim();
      assert.ok(title.length > 0);
      const marks = await first.locator('.passage__snippet mark').allTextContents();
      assert.ok(marks.length > 0, 'a <mark> in the snippet');
      assert.ok(marks.every((m) => /hybrid|search|filter/i.test(m)), marks.join());
      assert.ok(await first.locator('.passage__snippet').first().isVisible());

      // Keyboard only: from the search box, Tab reaches the k selector and the Rebuild button;
      // an example search runs from the keyboard.
      await page.focus('#query');
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement.id), 'k');
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement.id), 'reset');
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement.textContent), 'hybrid search filter');
      await page.screenshot({ path: `${ARTIFACTS}demo-${name}.png`, fullPage: true });

      // Nonsense: an empty state, no result cards (the dense stage scores every passage, but no
      // passage matches a word and none stands out of the dense background).
      await search(page, NONSENSE);
      assert.equal(await page.getAttribute('#results', 'data-state'), 'empty');
      assert.equal(await page.locator('#results > li').count(), 0);
      assert.ok(await page.locator('#empty').isVisible());
      assert.equal((await page.textContent('#empty-title')).trim(), `No documents match “${NONSENSE}”`);
      assert.ok((await page.textContent('#empty-hint')).trim().length > 0);
      assert.ok(await page.locator('#context').isHidden());
      assert.match(await page.textContent('#status'), /^No documents match in \d+\.\d ms \(hybrid/);
      assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth), true);
      await page.screenshot({ path: `${ARTIFACTS}demo-${name}-empty.png`, fullPage: true });

      // A partial word is no match either.
      await search(page, 'hybr');
      assert.equal(await page.getAttribute('#results', 'data-state'), 'empty');

      // Back to a real query from the keyboard: the example button under focus.
      await page.fill('#query', '');
      await page.focus('.search-panel__suggestion');
      await page.keyboard.press('Enter');
      await page.waitForFunction((q) => document.querySelector('#results').dataset.query === q, QUERY);
      assert.equal(await page.getAttribute('#results', 'data-state'), 'results');
      assert.ok(await page.locator('#results > li').count() > 0);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
}
