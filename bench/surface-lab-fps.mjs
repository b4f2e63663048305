// Optimizers lab frame rate in headless Chromium (the release wasm in www/pkg): six optimizers on Rosenbrock at
// 1440x900, the page's own Play loop for a few seconds per scenario. Reports frames per second (animation-frame
// callbacks / s), the longest interval between two frames, the lab's longest own frame work (steps + drawing,
// window.saddle.perf.maxFrameMs), optimizer steps per second and long tasks (> 50 ms, longtask API).
//
//   node bench/surface-lab-fps.mjs [--seconds 5]      prints a Markdown table for docs/BENCHMARKS.md

import os from 'node:os';
import { parseArgs } from 'node:util';
import { startServer, REPO_ROOT } from '../tests/e2e/server.mjs';
import { launch } from '../tests/e2e/browser.mjs';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '5' } } });
const seconds = Number(values.seconds) || 5;
const SIX = 'racers=sgd/lr:0.001,momentum/lr:0.0005,nesterov/lr:0.0005,adagrad/lr:0.5,rmsprop/lr:0.005,adam/lr:0.02';
const SCENARIOS = [
  ['six optimizers, 5 steps/frame', `surface=rosenbrock&${SIX}&spf=5`],
  ['six optimizers, 1000 steps/frame (time-capped)', `surface=rosenbrock&${SIX}&spf=1000`],
  ['six optimizers, noise σ = 2, cloud on, 20 steps/frame', `surface=double-well&${SIX}&noise=2&cloud=1&spf=20`],
];

const server = await startServer({ root: REPO_ROOT });
const browser = await launch({ viewport: { width: 1440, height: 900 } });
const rows = [];
try {
  for (const [what, q] of SCENARIOS) {
    const { page } = await browser.newPage();
    await page.goto(`${server.url}index.html#lab=optimizers&${q}`);
    await page.waitForFunction(() => document.body.dataset.ready === '1', null, { timeout: 60_000 });
    const r = await page.evaluate(async (ms) => {
      const long = [];
      new PerformanceObserver((l) => { for (const e of l.getEntries()) long.push(e.duration); })
        .observe({ type: 'longtask' });
      const times = [];
      let on = true;
      const tick = (t) => { times.push(t); if (on) requestAnimationFrame(tick); };
      document.querySelector('#opt-play').click();
      requestAnimationFrame(tick);
      await new Promise((resolve) => setTimeout(resolve, ms));
      on = false;
      document.querySelector('#opt-play').click();
      const gaps = times.slice(1).map((t, i) => t - times[i]);
      const span = times[times.length - 1] - times[0];
      return { fps: ((times.length - 1) * 1000) / span, maxGap: Math.max(...gaps), perf: window.saddle.perf,
        long, step: window.saddle.stepNow(0).step };
    }, seconds * 1000);
    rows.push({ what, ...r });
    await page.close();
  }
  console.log(`Optimizers lab, headless Chromium at 1440x900 (DPR 1), ${os.cpus().length} cores, ` +
    `load average ${os.loadavg()[0].toFixed(1)}; the page's Play loop for ${seconds} s per row\n`);
  console.log('| scenario | fps | longest frame interval | longest own frame work | steps/s per optimizer | long tasks (> 50 ms) |');
  console.log('|---|---:|---:|---:|---:|---|');
  for (const r of rows) {
    console.log(`| ${r.what} | ${r.fps.toFixed(1)} | ${r.maxGap.toFixed(1)} ms | ${r.perf.maxFrameMs.toFixed(1)} ms | ` +
      `${Math.round(r.step / seconds).toLocaleString('en-US')} | ${r.long.length ? r.long.map((d) => Math.round(d)).join(', ') + ' ms' : 'none'} |`);
  }
} finally {
  await browser.close();
  await server.close();
}
