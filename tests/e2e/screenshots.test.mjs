//! Screenshots of the trained Playground at a desktop (1440x900) and a phone (375x800) size, for a classification
//! set and a regression set, and of the lab with engineered features, clicked points, hard decision regions and
//! the colour scale, saved to tests/screenshots/ for a person to look at. The test also checks what a
//! screenshot cannot be trusted to show: no horizontal overflow, plots inside the viewport and drawn at their size.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, openPlayground, stepNow, canvasStats, closePage, animationFrames, clickData, info } from './helpers.mjs';
import { screenshot } from './browser.mjs';

const env = useBrowser();
const STEPS = 3000;
const VIEWPORTS = [{ width: 1440, height: 900 }, { width: 375, height: 800 }];
const CASES = [
  { name: 'circle', task: 'binary', hash: 'dataset=circle' },
  { name: 'cubic', task: 'regression', hash: 'dataset=cubic' },
  { name: 'spiral-3', task: 'multiclass', hash: 'dataset=spiral-3&hidden=16,16&act=relu&opt=adam&lr=0.01', only: 1440 },
];

for (const c of CASES) {
  for (const vp of VIEWPORTS.filter((v) => !c.only || v.width === c.only)) {
    test(`screenshot: ${c.name} (${c.task}) trained ${STEPS} steps at ${vp.width}x${vp.height}`, { timeout: 60_000 }, async () => {
      const { page, errors } = await openPlayground(env.browser, env.server, c.hash);
      try {
        await page.setViewportSize(vp);
        await page.waitForFunction(() => [...document.querySelectorAll('canvas')].every(
          (el) => el.width === Math.round(el.clientWidth * devicePixelRatio)));
        const s = await stepNow(page, STEPS);
        assert.equal(s.step, STEPS);
        assert.equal(s.diverged, null);
        await animationFrames(page, 2);

        const layout = await page.evaluate(() => ({
          scrollWidth: document.documentElement.scrollWidth,
          canvases: [...document.querySelectorAll('canvas')].map((el) => {
            const r = el.getBoundingClientRect();
            return { id: el.id, left: r.left, right: r.right, width: r.width, height: r.height };
          }),
        }));
        assert.ok(layout.scrollWidth <= vp.width, `no horizontal overflow: scrollWidth ${layout.scrollWidth} > ${vp.width}`);
        for (const cv of layout.canvases) {
          assert.ok(cv.left >= 0 && cv.right <= vp.width + 0.5, `${cv.id} inside the viewport: ${JSON.stringify(cv)}`);
          assert.ok(cv.width >= Math.min(250, vp.width - 60) && cv.height >= 120, `${cv.id} big enough: ${JSON.stringify(cv)}`);
        }
        const data = await canvasStats(page, '#boundary-canvas');
        assert.ok(data.inkedFraction > (c.task === 'regression' ? 0.03 : 0.4), JSON.stringify(data));
        const loss = await canvasStats(page, '#loss-canvas');
        assert.ok(loss.near.trainLine > 100 && loss.near.testLine > 80, JSON.stringify(loss));

        await screenshot(page, `playground-${c.name}-${vp.width}x${vp.height}`);
        assert.deepEqual(errors, [], errors.join('\n'));
      } finally {
        await closePage(page);
      }
    });
  }
}

/** Clicked points for the lab screenshot: a few of each class in quadrants of the other class. */
const CLICKS = [[-4, 4, 1], [-3, 2.5, 1], [4, -3.5, 1], [3, 3, 0], [2, 4.5, 0], [-3.5, -4, 0], [-1.5, -3, 0]];

for (const vp of VIEWPORTS) {
  test(`screenshot: the lab with features, clicked points, discretize and the colour scale at ${vp.width}x${vp.height}`, { timeout: 60_000 }, async () => {
    const { page, errors } = await openPlayground(env.browser, env.server,
      'dataset=xor&feat=x1,x2,x1x2,sin1&hidden=6,4&opt=adam&lr=0.01&seed=2');
    try {
      await page.setViewportSize(vp);
      for (const [x, y, k] of CLICKS) {
        await page.selectOption('#click-class', String(k));
        await clickData(page, x, y);
      }
      assert.equal((await info(page)).added, CLICKS.length);
      await page.check('#discretize');
      await page.check('#show-legend');
      const s = await stepNow(page, 1500);
      assert.equal(s.diverged, null);
      await animationFrames(page, 2);
      const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(scrollWidth <= vp.width, `no horizontal overflow: scrollWidth ${scrollWidth} > ${vp.width}`);
      await screenshot(page, `playground-lab-${vp.width}x${vp.height}`);
      assert.deepEqual(errors, [], errors.join('\n'));
    } finally {
      await closePage(page);
    }
  });
}
