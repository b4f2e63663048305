//! Headless Debian Chromium for the e2e tests, driven by playwright-core: launch, error collection, screenshots.
//! Never downloads a browser: it runs /usr/bin/chromium (installed by ./scripts/setup.sh) in a fresh profile.

import { chromium } from 'playwright-core';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from './server.mjs';

export const CHROMIUM = process.env.SADDLE_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOT_DIR = path.join(REPO_ROOT, 'tests', 'screenshots');

/** Flags for a closed network, running as root in a container (see TOOLCHAIN.md). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Launch Chromium with a fresh temporary profile.
 * @returns {Promise<{context: import('playwright-core').BrowserContext,
 *   newPage: () => Promise<{page: import('playwright-core').Page, errors: string[]}>, close: () => Promise<void>}>}
 */
export async function launch({ viewport = { width: 1280, height: 900 }, timeoutMs = 30_000 } = {}) {
  const userDataDir = await mkdtemp(path.join(os.tmpdir(), 'saddle-chromium-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport,
      timeout: timeoutMs,
    });
  } catch (err) {
    await rm(userDataDir, { recursive: true, force: true });
    throw new Error(`cannot launch ${CHROMIUM} (run ./scripts/setup.sh): ${err.message}`);
  }
  context.setDefaultTimeout(timeoutMs);
  let firstPage = context.pages()[0];
  return {
    context,
    /** A page whose console errors, uncaught exceptions and failed requests collect into `errors`. */
    async newPage() {
      const page = firstPage ?? (await context.newPage());
      firstPage = undefined;
      return { page, errors: watchErrors(page) };
    },
    async close() {
      await context.close().catch(() => {});
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Collect everything that should fail a test: console.error (a 404 shows up here too), uncaught exceptions
 * and unhandled rejections, failed requests and HTTP error responses. The array fills as the page runs.
 */
export function watchErrors(page) {
  const errors = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') {
      const loc = msg.location();
      errors.push(`console.error: ${msg.text()}${loc?.url ? ` (${loc.url}:${loc.lineNumber})` : ''}`);
    }
  });
  page.on('pageerror', (err) => errors.push(`page error: ${err.stack ?? err.message}`));
  page.on('requestfailed', (req) => errors.push(`request failed: ${req.url()} (${req.failure()?.errorText})`));
  page.on('response', (res) => {
    if (res.status() >= 400) errors.push(`HTTP ${res.status()}: ${res.url()}`);
  });
  return errors;
}

/** Save a full-page PNG to tests/screenshots/<name>.png and return its path. */
export async function screenshot(page, name) {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Texts of the visible `[role="alert"]` elements (the page's error banners and notices). */
export async function visibleAlerts(page) {
  return page
    .locator('[role="alert"]:visible')
    .evaluateAll((els) => els.map((el) => el.textContent.trim().replace(/\s+/g, ' ')));
}
