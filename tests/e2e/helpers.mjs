//! Shared steps for the Playground e2e tests: open the page at a hash and wait for the first trained frame,
//! read the stats and controls, edit a control the way a user does, and measure a canvas's pixels.
//! Everything waits on page state (body[data-ready], window.saddle, animation frames), never on wall-clock sleeps.

import assert from 'node:assert/strict';
import { before, after } from 'node:test';
import { startServer, REPO_ROOT } from './server.mjs';
import { launch } from './browser.mjs';

/** Generous waits: the test machine has 2 cores shared with compiles. */
export const READY_TIMEOUT_MS = 60_000;

/** Colours the Rust drawing code uses (crates/web/src/draw/colour.rs): loss lines, class 0 / class 1. */
export const COLOURS = {
  trainLine: [0x00, 0x72, 0xb2], // Okabe–Ito blue: train loss line, class 1, the regression model curve
  testLine: [0xd5, 0x5e, 0x00], // Okabe–Ito vermillion: test loss line
  class0: [0xe6, 0x9f, 0x00], // Okabe–Ito orange: class 0 points, regression data points
};

/**
 * Register before/after hooks that start the static server and one headless Chromium for a test file.
 * @returns {{server: Awaited<ReturnType<typeof startServer>>, browser: Awaited<ReturnType<typeof launch>>}}
 *   filled in by the `before` hook.
 */
export function useBrowser({ viewport } = {}) {
  const env = { server: null, browser: null };
  before(async () => {
    env.server = await startServer({ root: process.env.SADDLE_E2E_ROOT ?? REPO_ROOT });
    env.browser = await launch(viewport ? { viewport } : {});
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.close();
  });
  return env;
}

/**
 * Open index.html + hash in a new page of `browser` (from browser.mjs) and wait until the first frame is drawn
 * (body[data-ready="1"]). Fails fast when the page reports body[data-ready="error"].
 * @returns {Promise<{page: import('playwright-core').Page, errors: string[]}>}
 */
export async function openPlayground(browser, server, hash = '') {
  const { page, errors } = await browser.newPage();
  const h = hash && !hash.startsWith('#') ? `#${hash}` : hash;
  const response = await page.goto(`${server.url}index.html${h}`, { waitUntil: 'load' });
  assert.equal(response?.status(), 200);
  await page.waitForFunction(() => ['1', 'error'].includes(document.body.dataset.ready), null, { timeout: READY_TIMEOUT_MS });
  const ready = await page.evaluate(() => document.body.dataset.ready);
  assert.equal(ready, '1', `the page failed to start: ${await page.textContent('#error-banner')}\n${errors.join('\n')}`);
  return { page, errors };
}

/** The full-precision stats of the running Playground (window.saddle.playground.stats()). */
export async function stats(page) {
  return page.evaluate(() => {
    const s = window.saddle.playground.stats();
    return typeof s === 'string' ? JSON.parse(s) : s;
  });
}

/** Run exactly n optimizer steps through the test hook (Play must be paused); returns the stats. */
export async function stepNow(page, n) {
  return page.evaluate((k) => window.saddle.stepNow(k), n);
}

/** The text of #metric-<id> (e.g. 'test-loss', 'step'). */
export async function metricText(page, id) {
  return (await page.textContent(`#metric-${id}`)).trim();
}

/** A displayed metric as a number: "0.6906" -> 0.6906, "1,234" -> 1234, "3.2e-4" -> 0.00032, "—" -> NaN. */
export function metricNumber(text) {
  const t = String(text).replace(/,/g, '').trim();
  return t === '' || t === '—' ? NaN : Number(t);
}

/** location.hash as a Map of key -> value (undecoded). */
export async function hashMap(page) {
  const hash = await page.evaluate(() => location.hash);
  return queryMap(hash);
}

/** "#a=1&b=2" or "a=1&b=2" -> Map. */
export function queryMap(q) {
  const out = new Map();
  for (const part of String(q).replace(/^#/, '').split('&')) {
    if (!part) continue;
    const i = part.indexOf('=');
    out.set(i < 0 ? part : part.slice(0, i), i < 0 ? '' : part.slice(i + 1));
  }
  return out;
}

/** Keys whose values differ between two query maps. */
export function changedKeys(a, b) {
  const keys = new Set([...a.keys(), ...b.keys()]);
  return [...keys].filter((k) => a.get(k) !== b.get(k)).sort();
}

/**
 * Set a control as a user would: choose an option of a <select>, or type into an input and Tab away
 * (the page listens for 'change', which fires on blur).
 */
export async function setControl(page, selector, value) {
  const el = page.locator(selector);
  const tag = await el.evaluate((node) => node.tagName);
  if (tag === 'SELECT') {
    await el.selectOption(String(value));
  } else {
    await el.fill(String(value));
    await el.press('Tab');
  }
}

/** The values shown by several controls, keyed by selector. */
export async function controlValues(page, selectors) {
  return page.evaluate((sels) => Object.fromEntries(sels.map((s) => [s, document.querySelector(s)?.value ?? null])), selectors);
}

/** The catalog JSON, from the wasm module the page already loaded (same URL, so the same initialised instance). */
export async function catalog(page) {
  return page.evaluate(async () => {
    const m = await import(new URL('www/pkg/saddle_web.js', document.baseURI).href);
    const c = m.catalog();
    return typeof c === 'string' ? JSON.parse(c) : c;
  });
}

/** Wait for n animation frames in the page (frame-synchronised, not a timed sleep). */
export async function animationFrames(page, n) {
  await page.evaluate(
    (count) => new Promise((resolve) => {
      let left = count;
      const tick = () => (--left <= 0 ? resolve() : requestAnimationFrame(tick));
      requestAnimationFrame(tick);
    }),
    n,
  );
}

/**
 * Pixel statistics of a canvas's drawing buffer: size, pixels that are neither white nor transparent
 * (`inked`), distinct colours, a digest of the whole buffer (to tell two frames apart), and for each named
 * colour of `near` the number of opaque pixels within an L1 distance `tol` of it.
 */
export async function canvasStats(page, selector, near = COLOURS, tol = 40) {
  return page.evaluate(
    ({ selector, near, tol }) => {
      const c = document.querySelector(selector);
      if (!c) return null;
      const ctx = c.getContext('2d');
      const d = ctx.getImageData(0, 0, c.width, c.height).data;
      const colours = new Set();
      const counts = Object.fromEntries(Object.keys(near).map((k) => [k, 0]));
      const targets = Object.entries(near);
      let inked = 0;
      let hash = 2166136261;
      for (let i = 0; i < d.length; i += 4) {
        const [r, g, b, a] = [d[i], d[i + 1], d[i + 2], d[i + 3]];
        hash = Math.imul(hash ^ ((r << 24) | (g << 16) | (b << 8) | a), 16777619) >>> 0;
        if (a === 0) continue;
        colours.add((r << 16) | (g << 8) | b);
        if (!(r === 255 && g === 255 && b === 255)) inked++;
        if (a < 200) continue;
        for (const [name, [tr, tg, tb]] of targets) {
          if (Math.abs(r - tr) + Math.abs(g - tg) + Math.abs(b - tb) < tol) counts[name]++;
        }
      }
      const total = c.width * c.height;
      return { width: c.width, height: c.height, total, inked, inkedFraction: total ? inked / total : 0,
        distinct: colours.size, digest: hash.toString(16), near: counts };
    },
    { selector, near, tol },
  );
}

/** Close a page, ignoring a page that is already gone. */
export async function closePage(page) {
  await page?.close().catch(() => {});
}

/** The Playground's info(): {features, widths, params, train, test, added, removed}. */
export async function info(page) {
  return page.evaluate(() => {
    const i = window.saddle.playground.info();
    return typeof i === 'string' ? JSON.parse(i) : i;
  });
}

/**
 * The offset (CSS pixels, from the canvas's top-left corner) of the data point (x, y) in #boundary-canvas, found
 * from the page's own pixel -> data mapping (Playground.pointAt is linear inside the plot: two probes give it).
 */
export async function pixelOf(page, x, y) {
  return page.evaluate(([tx, ty]) => {
    const c = document.querySelector('#boundary-canvas');
    const p = window.saddle.playground;
    const [cx, cy] = [c.clientWidth / 2, c.clientHeight / 2];
    const a = p.pointAt(c, cx, cy);
    const b = p.pointAt(c, cx + 40, cy + 40);
    if (!a || !b) throw new Error('the plot centre is outside the plotting area');
    const px = cx + ((tx - a[0]) * 40) / (b[0] - a[0]);
    const py = cy + ((ty - a[1]) * 40) / (b[1] - a[1]);
    return { x: px, y: py };
  }, [x, y]);
}

/** Click #boundary-canvas at the data point (x, y), with keyboard modifiers (['Shift'], ['Alt']). */
export async function clickData(page, x, y, modifiers = []) {
  const position = await pixelOf(page, x, y);
  await page.click('#boundary-canvas', { position, modifiers });
}

/** A `pts` value -> [{x, y, label}] (5 bytes per point: i16 LE 100·x, i16 LE 100·y, u8 label). */
export function decodePoints(b64) {
  const bytes = Buffer.from(String(b64 || ''), 'base64url');
  const out = [];
  for (let i = 0; i + 5 <= bytes.length; i += 5) {
    out.push({ x: bytes.readInt16LE(i) / 100, y: bytes.readInt16LE(i + 2) / 100, label: bytes[i + 4] });
  }
  return out;
}
