//! Display toggles and the plot's geometry: "Discretize" (hard decision regions) and "Colour scale" (a labelled
//! scale above the plot) change the data plot's pixels and are offered for classification only; the boundary
//! plot is equal-aspect (a data unit spans as many pixels across as up) at desktop and phone widths.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, openPlayground, stepNow, canvasStats, setControl, closePage, animationFrames } from './helpers.mjs';

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
