//! Display toggles and the plot's geometry: "Discretize" (hard decision regions) and "Colour scale" (a labelled
//! scale above the plot) change the data plot's pixels and are offered for classification only; all three
//! toggles live in the URL (`test-points`, `discretize`, `legend`, omitted at their defaults): a link restores
//! them and a toggle rewrites only its own key without restarting the run; the boundary plot is equal-aspect
//! (a data unit spans as many pixels across as up) at desktop and phone widths.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useBrowser, openPlayground, stepNow, stats, canvasStats, setControl, closePage, animationFrames, hashMap, changedKeys,
} from './helpers.mjs';

const env = useBrowser();

/** Pixels per data unit along x and y, from the page's pixel -> data mapping around the plot's centre. */
async function unitPixels(page) {
  return page.evaluate(() => {
    const c = document.querySelector('#boundary-canvas');
    const p = window.saddle.playground;
    const [cx, cy] = [c.clientWidth / 2, c.clientHeight / 2];
    const a = p.pointAt(c, cx - 60, cy - 60);
    const b = p.pointAt(c, cx + 60, cy + 60);
    return { x: 120 / Math.abs(b[0] - a[0]), y: 120 / Math.abs(b[1] - a[1]) };
  });
}

test('discretize and the colour scale change the data plot; regression sets hide both toggles', { timeout: 60_000 }, async () => {
  const { page, errors } = await openPlayground(env.browser, env.server, 'dataset=circle&seed=4');
  try {
    await stepNow(page, 400);
    const plain = await canvasStats(page, '#boundary-canvas');

    await page.check('#discretize');
    const hard = await canvasStats(page, '#boundary-canvas');
    assert.notEqual(hard.digest, plain.digest, 'discretize redraws the plot');
    assert.ok(hard.distinct < plain.distinct, `hard regions have fewer colours: ${hard.distinct} vs ${plain.distinct}`);

    await page.check('#show-legend');
    const scaled = await canvasStats(page, '#boundary-canvas');
    assert.notEqual(scaled.digest, hard.digest, 'the colour scale adds pixels');
    await page.uncheck('#discretize');
    const gradient = await canvasStats(page, '#boundary-canvas');
    assert.notEqual(gradient.digest, plain.digest);
    assert.ok(gradient.distinct > plain.distinct, `the P(class 1) bar adds colours: ${gradient.distinct} vs ${plain.distinct}`);

    // Both toggles are about class colours: hidden on a regression set, where the plot is a curve.
    await setControl(page, '#field-dataset', 'cubic');
    assert.equal(await page.isVisible('#discretize'), false);
    assert.equal(await page.isVisible('#show-legend'), false);
    assert.equal(await page.isVisible('#show-test'), true);
    assert.deepEqual(errors, [], errors.join('\n'));
  } finally {
    await closePage(page);
  }
});

test('the display toggles are in the URL: a link restores them, a toggle changes only its key and keeps the run', { timeout: 60_000 }, async () => {
  const hash = 'dataset=circle&seed=4&test-points=false&discretize=true&legend=true';
  const { page, errors } = await openPlayground(env.browser, env.server, hash);
  try {
    const checked = () => page.evaluate(() => Object.fromEntries(['show-test', 'discretize', 'show-legend']
      .map((id) => [id, document.getElementById(id).checked])));
    assert.deepEqual(await checked(), { 'show-test': false, discretize: true, 'show-legend': true }, 'restored from the link');
    let h = await hashMap(page);
    assert.equal(h.get('test-points'), 'false');
    assert.equal(h.get('discretize'), 'true');
    assert.equal(h.get('legend'), 'true');
    const restored = await canvasStats(page, '#boundary-canvas');

    await stepNow(page, 30);
    const toggle = async (selector, on) => {
      const before = await hashMap(page);
      await page.setChecked(selector, on);
      const after = await hashMap(page);
      return { changed: changedKeys(before, after), after };
    };
    let r = await toggle('#discretize', false);
    assert.deepEqual(r.changed, ['discretize']);
    assert.equal(r.after.has('discretize'), false, 'omitted at its default');
    r = await toggle('#show-test', true);
    assert.deepEqual(r.changed, ['test-points']);
    assert.equal(r.after.has('test-points'), false);
    r = await toggle('#show-legend', false);
    assert.deepEqual(r.changed, ['legend']);
    r = await toggle('#discretize', true);
    assert.deepEqual(r.changed, ['discretize']);
    assert.equal(r.after.get('discretize'), 'true');
    assert.equal((await stats(page)).step, 30, 'a display toggle does not restart the run');

    // The Playground's own query (what a weight edit or a click builds on) carries the toggles too.
    const own = await page.evaluate(() => window.saddle.playground.query());
    assert.equal(own, (await page.evaluate(() => location.hash)).slice(1));

    // Back to the link's toggles (on a trained network the picture differs; on the same network it matches).
    await page.setChecked('#show-test', false);
    await page.setChecked('#show-legend', true);
    assert.deepEqual(await checked(), { 'show-test': false, discretize: true, 'show-legend': true });
    h = await hashMap(page);
    assert.deepEqual([h.get('test-points'), h.get('discretize'), h.get('legend')], ['false', 'true', 'true']);
    await page.click('#reset');
    assert.equal((await canvasStats(page, '#boundary-canvas')).digest, restored.digest, 'reset: the link\'s picture again');
    assert.deepEqual(errors, [], errors.join('\n'));
  } finally {
    await closePage(page);
  }
});

test('the boundary plot is equal-aspect at 1440 px and 375 px, with and without the colour scale', { timeout: 60_000 }, async () => {
  const { page, errors } = await openPlayground(env.browser, env.server, 'dataset=spiral');
  try {
    for (const vp of [{ width: 1440, height: 900 }, { width: 375, height: 800 }]) {
      await page.setViewportSize(vp);
      await page.waitForFunction(() => {
        const c = document.querySelector('#boundary-canvas');
        return c.width === Math.round(c.clientWidth * devicePixelRatio);
      });
      for (const legend of [false, true]) {
        await page.setChecked('#show-legend', legend);
        await animationFrames(page, 1);
        const u = await unitPixels(page);
        assert.ok(Math.abs(u.x / u.y - 1) < 0.02, `${vp.width} px, legend ${legend}: ${u.x.toFixed(2)} px/unit across, ${u.y.toFixed(2)} up`);
      }
    }
    assert.deepEqual(errors, [], errors.join('\n'));
  } finally {
    await closePage(page);
  }
});

test('Copy link copies location.href, or shows it selected in a field when the clipboard is unavailable', { timeout: 60_000 }, async () => {
  await env.browser.context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const { page, errors } = await openPlayground(env.browser, env.server, 'dataset=moons&seed=9');
  try {
    const href = await page.evaluate(() => location.href);
    await page.click('#copy-link');
    await page.waitForFunction(() => !document.querySelector('#notice').hidden);
    assert.match(await page.textContent('#notice'), /Link copied/);
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), href);
    assert.equal(await page.isVisible('#copy-link-field'), false);

    // Without a clipboard the link is shown, focused and selected, for Ctrl+C.
    await page.evaluate(() => { navigator.clipboard.writeText = () => Promise.reject(new Error('denied')); });
    await page.click('#copy-link');
    await page.waitForSelector('#copy-link-field', { state: 'visible' });
    assert.equal(await page.inputValue('#copy-link-field'), href);
    const selected = await page.evaluate(() => {
      const f = document.querySelector('#copy-link-field');
      return document.activeElement === f && f.selectionStart === 0 && f.selectionEnd === f.value.length;
    });
    assert.ok(selected, 'the link is focused and selected');
    assert.match(await page.textContent('#notice'), /Ctrl\+C/);
    assert.deepEqual(errors, [], errors.join('\n'));
  } finally {
    await closePage(page);
  }
});
