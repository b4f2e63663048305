//! The Race lab in real Chromium: the tab opens from `lab=race&…`, its canvases draw, a race runs and the losses
//! change, the URL restores a race exactly (same losses after the same steps on reload), no main-thread task
//! over 50 ms while six racers run, the rescaling view prints max |Δf| < 1e-9 for ReLU, the Playground's hash
//! stays its bare query, and screenshots at 1440 and 375 px.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import { useBrowser, openPlayground, canvasStats, closePage, animationFrames } from './helpers.mjs';
import { screenshot } from './browser.mjs';

const env = useBrowser();

const RACE = 'lab=race&mode=race&racers=sgd,momentum,adam&n=200&hidden=6,4';
const SIX = 'lab=race&mode=race&racers=sgd,momentum,nesterov,adagrad,rmsprop,adam&n=400&hidden=8,8&act=relu';
const RESCALE = 'lab=race&mode=rescale&racers=sgd,adam,path-sgd&rescale=4&act=relu&hidden=8,8&n=200';
const BN = 'lab=race&mode=bn&racers=sgd&bn=hidden&rescale=4&hidden=8,8&n=200';

/** The race's stats (stepNow(0) pauses and takes no step). */
async function raceStats(page) {
  return page.evaluate(() => window.saddle.stepNow(0));
}

/** Run n steps through the test hook (pauses first); returns the stats. */
async function stepRace(page, n) {
  return page.evaluate((k) => window.saddle.stepNow(k), n);
}

test('the Race tab opens from the hash, draws and runs', { timeout: 90_000 }, async () => {
  const { page, errors } = await openPlayground(env.browser, env.server, RACE);
  try {
    assert.equal(await page.evaluate(() => window.saddle.lab), 'race');
    assert.equal(await page.getAttribute('#tab-race', 'aria-selected'), 'true');
    assert.equal(await page.isVisible('#panel-playground'), false);
    const hash = await page.evaluate(() => location.hash);
    assert.match(hash, /^#lab=race&mode=race&racers=sgd,momentum,adam&seed=1&dataset=circle&n=200/);
    const loss = await canvasStats(page, '#race-loss');
    assert.ok(loss.inkedFraction > 0.02 && loss.distinct > 10, JSON.stringify(loss));
    for (let i = 0; i < 3; i++) {
      const t = await canvasStats(page, `#race-thumb-${i}`);
      assert.ok(t.inkedFraction > 0.3, `thumbnail ${i}: ${JSON.stringify(t)}`);
    }
    const s0 = await raceStats(page);
    assert.equal(s0.racers.length, 3);
    assert.equal(s0.step, 0);
    // Same initialization: every racer starts at the same losses.
    assert.ok(s0.racers.every((r) => r.trainLoss === s0.racers[0].trainLoss), JSON.stringify(s0));

    await page.click('#race-play');
    await page.waitForFunction(() => window.saddle.stepNow && document.querySelector('#race-step').textContent.replace(/,/g, '') > 200);
    await page.click('#race-play');
    const s1 = await raceStats(page);
    assert.ok(s1.step > 200);
    for (const [i, r] of s1.racers.entries()) {
      assert.notEqual(r.trainLoss, s0.racers[i].trainLoss, `racer ${i} trained`);
      assert.equal(r.diverged, null);
    }
    // The optimizers differ, so the curves do.
    assert.notEqual(s1.racers[0].trainLoss, s1.racers[2].trainLoss);
    const legend = await page.textContent('#race-legend');
    assert.match(legend, /Adam/);
    assert.ok(await page.evaluate(() => window.saddle.perf.stepsPerSec > 0));
    assert.deepEqual(errors, [], errors.join('\n'));
  } finally {
    await closePage(page);
  }
});

test('the URL restores a race: identical losses after the same steps on reload', { timeout: 90_000 }, async () => {
  const { page, errors } = await openPlayground(env.browser, env.server,
    'lab=race&mode=race&racers=sgd/lr:0.1,adam/lr:0.003&dataset=xor&hidden=5&act=relu&batch=7&seed=9');
  try {
    const a = await stepRace(page, 250);
    const hash = await page.evaluate(() => location.hash);
    assert.match(hash, /racers=sgd\/lr:0\.1,adam\/lr:0\.003/);
    await page.goto('about:blank');
    await page.goto(`${env.server.url}index.html${hash}`);
    await page.waitForFunction(() => document.body.dataset.ready === '1');
    assert.equal(await page.evaluate(() => location.hash), hash);
    const b = await stepRace(page, 250);
    assert.deepEqual(b.racers.map((r) => [r.trainLoss, r.testLoss]), a.racers.map((r) => [r.trainLoss, r.testLoss]));
    assert.deepEqual(errors, [], errors.join('\n'));
  } finally {
    await closePage(page);
  }
});

test('a bad racer in the URL is reported naming the field, and the lab still runs', { timeout: 60_000 }, async () => {
  const { page } = await openPlayground(env.browser, env.server, 'lab=race&racers=sgd,warp/lr:2');
  try {
    const banner = await page.textContent('#error-banner');
    assert.match(banner, /racers: racer 2: unknown or surfaces-only optimizer "warp"/);
    const s = await raceStats(page);
    assert.equal(s.racers.length, 1);
    assert.match(await page.evaluate(() => location.hash), /^#lab=race&mode=race&racers=sgd&/);
  } finally {
    await closePage(page);
  }
});

test('no main-thread task over 50 ms while six racers run', { timeout: 90_000 }, async (t) => {
  const { page, errors } = await openPlayground(env.browser, env.server, SIX);
  try {
    await page.evaluate(() => {
      window.longTasks = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.longTasks.push({ start: e.startTime, duration: e.duration });
      }).observe({ type: 'longtask' });
    });
    await animationFrames(page, 5);
    const t0 = await page.evaluate(() => performance.now());
    await page.click('#race-play');
    await page.waitForFunction(() => document.querySelector('#race-step').textContent.replace(/,/g, '') > 3000,
      null, { timeout: 60_000 });
    await page.waitForTimeout(1500);
    await page.click('#race-play');
    const r = await page.evaluate((since) => ({
      long: window.longTasks.filter((t) => t.start >= since),
      perf: window.saddle.perf,
      stats: window.saddle.stepNow(0),
    }), t0);
    console.log(`six racers: ${Math.round(r.perf.stepsPerSec)} race steps/s, k=${r.perf.k}, step ${r.perf.stepMs.toFixed(1)} ms, ` +
      `draw ${r.perf.drawMs.toFixed(1)} ms, longest frame ${r.perf.maxFrameMs.toFixed(1)} ms; long tasks: ${JSON.stringify(r.long)}`);
    // The lab's own frame work stays far below 50 ms (step budget ≈ 5 ms, one chart or two thumbnails per frame).
    // The longtask API measures wall time, so CPU contention from other processes on this shared machine
    // stretches tasks: when the load average is above the core count and long tasks appear, they say nothing about
    // the lab, so the check is skipped (and the tasks reported) rather than loosened.
    const busy = os.loadavg()[0] > os.cpus().length;
    if (busy && r.long.length) {
      t.skip(`load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores: long tasks not judged ` +
        `(${r.long.length} seen, longest ${Math.max(0, ...r.long.map((x) => x.duration))} ms)`);
    } else {
      assert.deepEqual(r.long, [], 'no long task while racing');
    }
    assert.ok(r.stats.racers.every((x) => x.step > 3000));
    assert.deepEqual(errors, [], errors.join('\n'));
  } finally {
    await closePage(page);
  }
});

test('the rescaling view: same function (max |Δf| < 1e-9), different gradients, curves that part for SGD and coincide for Path-SGD', { timeout: 60_000 }, async () => {
  const { page, errors } = await openPlayground(env.browser, env.server, RESCALE);
  try {
    const df = Number(await page.textContent('#race-max-df'));
    assert.ok(df < 1e-9, `max |Δf| = ${df}`);
    const report = await page.textContent('#race-report');
    assert.match(report, /‖∂L\/∂W‖/);
    const s0 = await raceStats(page);
    assert.equal(s0.racers.length, 6);
    assert.ok(Math.abs(s0.racers[0].trainLoss - s0.racers[1].trainLoss) < 1e-9, 'same function at step 0');
    const s = await stepRace(page, 300);
    const sgdGap = Math.abs(s.racers[0].trainLoss - s.racers[1].trainLoss);
    assert.ok(sgdGap > 1e-4, `SGD on the rescaled network trains differently: ${sgdGap}`);
    // Path-SGD (racers 4 and 5) is rescaling-invariant: the same losses up to round-off after 300 steps.
    const pathGap = Math.abs(s.racers[4].trainLoss - s.racers[5].trainLoss);
    assert.ok(pathGap < 1e-9 * Math.max(1, s.racers[4].trainLoss), `Path-SGD curves coincide: ${pathGap}`);
    assert.ok(s.racers[4].trainLoss < s0.racers[4].trainLoss, 'Path-SGD trains');
    assert.ok((await canvasStats(page, '#race-loss')).inkedFraction > 0.02);
    // Switching the view from the toolbar rewrites the hash.
    await page.click('#race-mode-bn');
    await page.waitForFunction(() => location.hash.includes('mode=bn') && location.hash.includes('bn=hidden'));
    assert.ok(Number(await page.textContent('#race-max-df')) < 1e-3);
    assert.deepEqual(errors, [], errors.join('\n'));
  } finally {
    await closePage(page);
  }
});

test('the Playground keeps its bare hash; tabs carry their own', { timeout: 60_000 }, async () => {
  const { page, errors } = await openPlayground(env.browser, env.server, 'dataset=xor');
  try {
    const pg = await page.evaluate(() => location.hash);
    assert.ok(!pg.includes('lab='), pg);
    await page.click('#tab-race');
    await page.waitForFunction(() => location.hash.startsWith('#lab=race&mode=race&'));
    // The race took the Playground's data set.
    assert.match(await page.evaluate(() => location.hash), /dataset=xor/);
    await page.click('#tab-playground');
    assert.equal(await page.evaluate(() => location.hash), pg);
    // Typing a race address while on the Playground switches tabs.
    await page.evaluate(() => { location.hash = 'lab=race&mode=rescale&act=relu&rescale=2'; });
    await page.waitForFunction(() => window.saddle.lab === 'race' && location.hash.includes('mode=rescale'));
    assert.equal(await page.evaluate(() => window.saddle.playground.query()), pg.slice(1));
    assert.deepEqual(errors, [], errors.join('\n'));
  } finally {
    await closePage(page);
  }
});

for (const vp of [{ width: 1440, height: 900 }, { width: 375, height: 800 }]) {
  for (const [name, hash] of [['race', SIX], ['rescale', RESCALE], ['bn', BN]]) {
    if (name === 'bn' && vp.width !== 1440) continue;
    test(`screenshot: race lab ${name} at ${vp.width}x${vp.height}`, { timeout: 60_000 }, async () => {
      const { page, errors } = await openPlayground(env.browser, env.server, hash);
      try {
        await page.setViewportSize(vp);
        await stepRace(page, 2000);
        await animationFrames(page, 3);
        const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(scrollWidth <= vp.width, `no horizontal overflow: ${scrollWidth} > ${vp.width}`);
        await screenshot(page, `race-${name}-${vp.width}x${vp.height}`);
        assert.deepEqual(errors, [], errors.join('\n'));
      } finally {
        await closePage(page);
      }
    });
  }
}
