// Shared set-up of the browser tests: serves the repository on 127.0.0.1 and drives Debian's
// Chromium with playwright-core, with a fresh profile (so IndexedDB starts empty).
import { chromium } from 'playwright-core';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../../scripts/serve.mjs';

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
  '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Starts the server and a persistent browser context; call `close()` when done. */
export async function openBrowser() {
  const { server, url } = await startServer({ port: 0 });
  const profile = await mkdtemp(join(tmpdir(), 'osprey-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
  const errors = [];
  context.on('weberror', (e) => errors.push(String(e.error())));
  return {
    url,
    context,
    errors,
    async newPage(path = '/tests/browser/fixtures/blank.html') {
      const page = await context.newPage();
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(url + path);
      return page;
    },
    async close() {
      await context.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await rm(profile, { recursive: true, force: true });
    },
  };
}
