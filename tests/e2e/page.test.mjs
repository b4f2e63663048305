//! Smoke test: index.html loads over HTTP in headless Chromium with no console errors, page errors or 404s,
//! and shows no error banner (no visible [role="alert"]).
//! SADDLE_E2E_ROOT serves another directory instead of the repository root (to test the harness itself).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { startServer, REPO_ROOT } from './server.mjs';
import { launch, screenshot, visibleAlerts } from './browser.mjs';
import { animationFrames } from './helpers.mjs';

const root = process.env.SADDLE_E2E_ROOT ?? REPO_ROOT;
let server;
let browser;

before(async () => {
  assert.ok(existsSync(path.join(root, 'index.html')), `no index.html in ${root}`);
  server = await startServer({ root });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('index.html loads without console errors or error banners', async () => {
  const { page, errors } = await browser.newPage();
  const response = await page.goto(server.url + 'index.html', { waitUntil: 'load' });
  assert.equal(response?.status(), 200);
  await page.waitForLoadState('networkidle');
  if (root === REPO_ROOT) {
    // The Playground marks its first drawn frame; 'error' means the wasm module failed to load.
    await page.waitForFunction(() => ['1', 'error'].includes(document.body.dataset.ready), null, { timeout: 60_000 });
    assert.equal(await page.evaluate(() => document.body.dataset.ready), '1', `the page did not start:\n${errors.join('\n')}`);
  }
  await animationFrames(page, 10); // let module scripts and the first frames report late errors
  await screenshot(page, 'page-load');
  assert.ok((await page.title()).length > 0, 'the page has a title');
  assert.deepEqual(errors, [], `errors while loading:\n${errors.join('\n')}`);
  assert.deepEqual(await visibleAlerts(page), [], 'the page shows an error banner');
});
