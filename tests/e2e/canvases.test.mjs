//! Every plot draws something real for every dataset of the catalog: the data/boundary canvas has inked pixels in
//! many colours (a heat map for classification, points and a curve for regression), the loss canvas has train and
//! test curves that grow as the run trains, and both change between step 0 and step 300 (the click-only custom sets
//! get two dozen clicked points first). A resize redraws at once.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useBrowser, openPlayground, stats, stepNow, setControl, canvasStats, catalog, closePage, animationFrames, clickData, info as playgroundInfo,
} from './helpers.mjs';

const env = useBrowser();
const STEPS = 300;

/** Minimum share of non-white pixels on the data canvas: a heat map fills the plot; a curve plot does not. */
const MIN_INKED = { binary: 0.4, multiclass: 0.4, regression: 0.03 };

function assertDataPlot(s, task, where) {
  const info = `${where}: ${JSON.stringify(s)}`;
  assert.ok(s.width >= 100 && s.height >= 100, `canvas sized: ${info}`);
  assert.ok(s.inkedFraction >= MIN_INKED[task], `inked ${s.inkedFraction.toFixed(3)} < ${MIN_INKED[task]}: ${info}`);
  assert.ok(s.distinct >= 50, `at least 50 colours: ${info}`);
  assert.ok(s.near.class0 >= 100, `orange points visible: ${info}`);
}

test('the checker itself: a cleared canvas counts as blank', { timeout: 60_000 }, async () => {
  const { page } = await openPlayground(env.browser, env.server);
  try {
    const drawn = await canvasStats(page, '#boundary-canvas');
    assert.ok(drawn.inked > 1000, JSON.stringify(drawn));
    await page.evaluate(() => {
      const c = document.querySelector('#boundary-canvas');
      c.getContext('2d').clearRect(0, 0, c.width, c.height);
    });
    const blank = await canvasStats(page, '#boundary-canvas');
    assert.equal(blank.inked, 0);
    assert.equal(blank.distinct, 0);
    assert.throws(() => assertDataPlot(blank, 'regression', 'cleared'), /inked/);
  } finally {
    await closePage(page);
  }
});

test('boundary and loss canvases are non-blank and change with training, for every catalog dataset', { timeout: 120_000 }, async () => {
  const { page, errors } = await openPlayground(env.browser, env.server);
  try {
    const cat = await catalog(page);
    assert.ok(cat.datasets.length >= 2, 'the catalog lists datasets');
    const options = await page.locator('#field-dataset option').evaluateAll((els) => els.map((e) => e.value));
    assert.deepEqual(options, cat.datasets.map((d) => d.key), 'the dataset menu is the catalog');

    const seen = [];
    for (const d of cat.datasets) {
      await setControl(page, '#field-dataset', d.key);
      await page.waitForFunction((k) => new URLSearchParams(window.saddle.query).get('dataset') === k, d.key);
      assert.equal((await stats(page)).step, 0, `${d.key}: a dataset change restarts at step 0`);
      if (d.generated === false) {
        // A click-only set starts empty: click two dozen points in (both classes, or along a curve) first.
        for (let j = 0; j < 24; j++) {
          const x = -4.5 + (9 * j) / 23;
          if (d.task === 'regression') {
            await clickData(page, x, Math.sin(x));
          } else {
            await clickData(page, x, (j % 2 ? 2 : -2) + Math.cos(3 * x), j % 2 ? ['Shift'] : []);
          }
        }
        assert.equal((await playgroundInfo(page)).added, 24, `${d.key}: 24 clicked points`);
      }
      const data0 = await canvasStats(page, '#boundary-canvas');
      const loss0 = await canvasStats(page, '#loss-canvas');
      assertDataPlot(data0, d.task, `${d.key} step 0`);

      const s = await stepNow(page, STEPS);
      assert.equal(s.step, STEPS);
      assert.equal(s.diverged, null, `${d.key} trains with the defaults`);
      const data = await canvasStats(page, '#boundary-canvas');
      const loss = await canvasStats(page, '#loss-canvas');
      assertDataPlot(data, d.task, `${d.key} step ${STEPS}`);
      assert.notEqual(data.digest, data0.digest, `${d.key}: the prediction drawn at step ${STEPS} differs from step 0`);

      const info = `${d.key}: step 0 ${JSON.stringify(loss0)}, step ${STEPS} ${JSON.stringify(loss)}`;
      assert.ok(loss.width >= 100 && loss.height >= 60, info);
      assert.ok(loss.inked > 1000 && loss.distinct >= 30, `loss chart drawn: ${info}`);
      assert.notEqual(loss.digest, loss0.digest, `loss chart changed: ${info}`);
      // At step 0 only the legend shows the line colours; after training both curves add many more pixels.
      assert.ok(loss.near.trainLine >= Math.max(100, 2 * loss0.near.trainLine), `train curve drawn: ${info}`);
      assert.ok(loss.near.testLine >= Math.max(80, 2 * loss0.near.testLine), `test curve drawn: ${info}`);
      seen.push(d.key);
    }
    assert.deepEqual(seen, cat.datasets.map((d) => d.key));
    assert.deepEqual(errors, [], errors.join('\n'));
  } finally {
    await closePage(page);
  }
});

test('a viewport resize resizes the canvases and redraws them at once (no blank frame)', { timeout: 60_000 }, async () => {
  const { page, errors } = await openPlayground(env.browser, env.server);
  try {
    await stepNow(page, 100);
    const before = await canvasStats(page, '#boundary-canvas');
    await page.setViewportSize({ width: 700, height: 900 });
    await page.waitForFunction((w) => document.querySelector('#boundary-canvas').width !== w, before.width);
    await animationFrames(page, 2);
    for (const sel of ['#boundary-canvas', '#loss-canvas']) {
      const s = await page.evaluate((q) => {
        const c = document.querySelector(q);
        return { w: c.width, cw: Math.round(c.clientWidth * devicePixelRatio) };
      }, sel);
      assert.equal(s.w, s.cw, `${sel}: drawing buffer follows the CSS box`);
    }
    const after = await canvasStats(page, '#boundary-canvas');
    assertDataPlot(after, 'binary', 'after resize');
    const loss = await canvasStats(page, '#loss-canvas');
    assert.ok(loss.inked > 1000 && loss.near.trainLine > 100, `loss chart after resize: ${JSON.stringify(loss)}`);
    assert.deepEqual(errors, [], errors.join('\n'));
  } finally {
    await closePage(page);
  }
});
