//! The Optimizers lab in real Chromium: the tab opens from `lab=optimizers&…` and draws non-blank canvases, Play
//! advances the step counter, a click on the plot moves the start (and the hash), the URL restores a noisy run
//! exactly on reload, an invalid field shows its message beside the control, the lecture's A = ½I preset, no
//! main-thread task over 50 ms while six optimizers run, and screenshots at 1440 and 375 px.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import { useBrowser, openPlayground, canvasStats, closePage, animationFrames } from './helpers.mjs';
import { screenshot } from './browser.mjs';

const env = useBrowser();

const SIX = 'lab=optimizers&surface=rosenbrock&racers=sgd/lr:0.001,momentum/lr:0.0005,nesterov/lr:0.0005,adagrad/lr:0.5,rmsprop/lr:0.005,adam/lr:0.02&spf=5';

async function step(page, n) {
  return page.evaluate((k) => window.saddle.stepNow(k), n);
}

test('the Optimizers tab opens from the hash, draws and Play advances the counter', { timeout: 90_000 }, async () => {
  const { page, errors } = await openPlayground(env.browser, env.server, 'lab=optimizers');
  try {
    assert.equal(await page.evaluate(() => window.saddle.lab), 'optimizers');
    assert.equal(await page.getAttribute('#tab-optimizers', 'aria-selected'), 'true');
    assert.match(await page.evaluate(() => location.hash),
      /^#lab=optimizers&surface=quadratic&kappa=10&angle=30&start=-2.5,2&reparam=1,0,0,1&racers=sgd,momentum,adam&/);
    const plot = await canvasStats(page, '#opt-plot');
    assert.ok(plot.inkedFraction > 0.3 && plot.distinct > 50, JSON.stringify(plot));
    const chart = await canvasStats(page, '#opt-values');
    assert.ok(chart.inkedFraction > 0.01, JSON.stringify(chart));
    const before = (await canvasStats(page, '#opt-plot')).digest;
    const f0 = (await step(page, 0)).racers[0].f;

    await page.click('#opt-play');
    await page.waitForFunction(() => Number(document.querySelector('#opt-step').textContent.replace(/,/g, '')) > 100);
    await page.click('#opt-play');
    const s = await step(page, 0);
    assert.ok(s.step > 100, JSON.stringify(s));
    assert.equal(s.racers.length, 3);
    assert.ok(s.racers.every((r) => r.diverged === null && r.f < f0), JSON.stringify(s.racers));
    assert.notEqual((await canvasStats(page, '#opt-plot')).digest, before, 'the trajectories were drawn');
    assert.match(await page.textContent('#opt-legend'), /Adam/);
    assert.deepEqual(errors, [], errors.join('\n'));
  } finally {
    await closePage(page);
  }
});

test('a click on the plot moves the start point', { timeout: 60_000 }, async () => {
  const { page, errors } = await openPlayground(env.browser, env.server, 'lab=optimizers&surface=himmelblau');
  try {
    await step(page, 20);
    const box = await page.locator('#opt-plot').boundingBox();
    // The plot's centre is the view's centre (equal aspect, centred): (0, 0) on Himmelblau's [-5, 5]².
    await page.mouse.click(box.x + box.width * 0.5, box.y + box.height * 0.5 + 20);
    await page.waitForFunction(() => !location.hash.includes('start=0,0&'));
    const hash = await page.evaluate(() => location.hash);
    const [x, y] = hash.match(/start=([^&]+)/)[1].split(',').map(Number);
    assert.ok(Math.abs(x) < 1 && Math.abs(y) < 2, hash);
    const s = await step(page, 0);
    assert.equal(s.step, 0, 'a new start restarts the run');
    assert.equal(s.racers[0].x, x);
    assert.equal(await page.inputValue('#opt-start-x'), String(x));
    assert.deepEqual(errors, [], errors.join('\n'));
  } finally {
    await closePage(page);
  }
});

test('the URL restores a noisy run exactly on reload', { timeout: 90_000 }, async () => {
  const q = 'lab=optimizers&surface=double-well&tilt=0.4&start=1.5,0.8&reparam=0.5,0,0,0.5&racers=sgd/lr:0.05,adam&noise=1.5&seed=9&cloud=1';
  const { page, errors } = await openPlayground(env.browser, env.server, q);
  try {
    const a = await step(page, 400);
    const hash = await page.evaluate(() => location.hash);
    assert.match(hash, /noise=1\.5&seed=9&spf=2&cloud=1/);
    assert.equal(await page.getAttribute('#opt-preset-half', 'aria-pressed'), 'true');
    await page.goto('about:blank');
    await page.goto(`${env.server.url}index.html${hash}`);
    await page.waitForFunction(() => document.body.dataset.ready === '1');
    assert.equal(await page.evaluate(() => location.hash), hash);
    assert.equal(await page.isChecked('#opt-cloud'), true);
    const b = await step(page, 400);
    assert.deepEqual(b.racers.map((r) => [r.x, r.y, r.f]), a.racers.map((r) => [r.x, r.y, r.f]));
    assert.deepEqual(errors, [], errors.join('\n'));
  } finally {
    await closePage(page);
  }
});

test('an invalid field shows its message beside the control; the lab keeps running', { timeout: 60_000 }, async () => {
  const { page, errors } = await openPlayground(env.browser, env.server, 'lab=optimizers');
  try {
    const hash = await page.evaluate(() => location.hash);
    await page.fill('#opt-kappa', '0.5');
    await page.press('#opt-kappa', 'Tab');
    await page.waitForSelector('#opt-error-kappa:not([hidden])');
    assert.match(await page.textContent('#opt-error-kappa'), /kappa: 0\.5 is out of range; allowed \[1, 10000\]/);
    assert.equal(await page.getAttribute('#opt-kappa', 'aria-invalid'), 'true');
    assert.equal(await page.evaluate(() => location.hash), hash, 'the hash keeps the last valid state');
    // A singular A names `reparam`.
    await page.fill('#opt-a22', '0');
    await page.fill('#opt-kappa', '20');
    await page.press('#opt-kappa', 'Tab');
    await page.fill('#opt-a11', '0');
    await page.press('#opt-a11', 'Tab');
    await page.waitForSelector('#opt-error-reparam:not([hidden])');
    assert.match(await page.textContent('#opt-error-reparam'), /reparam: A = \[\[0, 0\], \[0, 1\]\] is singular|reparam: .*singular/);
    assert.ok((await step(page, 10)).step === 10);
    // A bad hash is reported in the banner and beside the control.
    await page.evaluate(() => { location.hash = 'lab=optimizers&surface=beale&racers=adam/lr:99'; });
    await page.waitForSelector('#opt-error-racers:not([hidden])');
    assert.match(await page.textContent('#error-banner'), /racers: racer 1 \(adam\): lr: 99 is out of range/);
    assert.match(await page.evaluate(() => location.hash), /surface=beale&start=1,1\.5&reparam=1,0,0,1&racers=adam&/);
    assert.deepEqual(errors, [], errors.join('\n'));
  } finally {
    await closePage(page);
  }
});

test('the lecture preset ½I: GD moves a quarter as far in x', { timeout: 60_000 }, async () => {
  const { page, errors } = await openPlayground(env.browser, env.server, 'lab=optimizers&racers=sgd/lr:0.01');
  try {
    const start = [-2.5, 2];
    const plain = (await step(page, 1)).racers[0];
    await page.click('#opt-preset-half');
    await page.waitForFunction(() => location.hash.includes('reparam=0.5,0,0,0.5'));
    const half = (await step(page, 1)).racers[0];
    const ratio = (half.x - start[0]) / (plain.x - start[0]);
    assert.ok(Math.abs(ratio - 0.25) < 1e-9, `ratio ${ratio}`);
    assert.match(await page.textContent('#opt-intro'), /g\(y\) = f\(y\/2\)/);
    assert.deepEqual(errors, [], errors.join('\n'));
  } finally {
    await closePage(page);
  }
});

test('no main-thread task over 50 ms while six optimizers run', { timeout: 60_000 }, async (t) => {
  const { page, errors } = await openPlayground(env.browser, env.server, SIX);
  try {
    await page.evaluate(() => {
      window.longTasks = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.longTasks.push(Math.round(e.duration));
      }).observe({ type: 'longtask' });
    });
    await animationFrames(page, 5);
    await page.click('#opt-play');
    await page.waitForFunction(() => Number(document.querySelector('#opt-step').textContent.replace(/,/g, '')) > 500,
      null, { timeout: 30_000 });
    await page.click('#opt-play');
    const r = await page.evaluate(() => ({ long: window.longTasks, perf: window.saddle.perf }));
    console.log(`six optimizers: longest own frame ${r.perf.maxFrameMs.toFixed(1)} ms; long tasks: ${JSON.stringify(r.long)}`);
    // The longtask API measures wall time: on a machine loaded past its cores, other processes stretch tasks, so
    // long tasks then say nothing about the lab and the check is skipped (and reported), as in race-lab.test.mjs.
    if (os.loadavg()[0] > os.cpus().length && r.long.length) {
      t.skip(`load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores: ${r.long.length} long tasks not judged`);
    } else {
      assert.deepEqual(r.long, [], 'no long task while running');
    }
    assert.deepEqual(errors, [], errors.join('\n'));
  } finally {
    await closePage(page);
  }
});

for (const vp of [{ width: 1440, height: 900 }, { width: 375, height: 800 }]) {
  for (const [name, hash, steps] of [
    ['rosenbrock-six', SIX, 3000],
    ['double-well-cloud', 'lab=optimizers&surface=double-well&racers=sgd/lr:0.02,momentum/lr:0.01&noise=4&cloud=1&seed=3', 600],
  ]) {
    if (name === 'double-well-cloud' && vp.width !== 1440) continue;
    test(`screenshot: optimizers ${name} at ${vp.width}x${vp.height}`, { timeout: 60_000 }, async () => {
      const { page, errors } = await openPlayground(env.browser, env.server, hash);
      try {
        await page.setViewportSize(vp);
        await page.waitForFunction(() => [...document.querySelectorAll('#panel-optimizers canvas')].every(
          (el) => el.width === Math.round(el.clientWidth * devicePixelRatio)));
        await step(page, steps);
        await animationFrames(page, 2);
        const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(scrollWidth <= vp.width, `no horizontal overflow: ${scrollWidth} > ${vp.width}`);
        await screenshot(page, `optimizers-${name}-${vp.width}x${vp.height}`);
        assert.deepEqual(errors, [], errors.join('\n'));
      } finally {
        await closePage(page);
      }
    });
  }
}
