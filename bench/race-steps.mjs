// Race lab throughput in headless Chromium (the release wasm in www/pkg): steps/s of each optimizer training
// the Playground's default network alone (RaceLab with one racer), and of a six-racer race (one race step = one
// step of each of the six networks), stepped in chunks like the page's frame loop. Also the longest
// main-thread task (longtask API) while the page's own loop runs the six-racer race for a few seconds.
//
//   node bench/race-steps.mjs [--seconds 1]      prints a Markdown table for docs/BENCHMARKS.md

import os from 'node:os';
import { parseArgs } from 'node:util';
import { startServer, REPO_ROOT } from '../tests/e2e/server.mjs';
import { launch } from '../tests/e2e/browser.mjs';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '1' } } });
const seconds = Number(values.seconds) || 1;
const SIX = 'sgd,momentum,nesterov,adagrad,rmsprop,adam';

const server = await startServer({ root: REPO_ROOT });
const browser = await launch({});
try {
  const { page } = await browser.newPage();
  await page.goto(`${server.url}index.html#lab=race&mode=race&racers=${SIX}`);
  await page.waitForFunction(() => document.body.dataset.ready === '1', null, { timeout: 60_000 });
  const rows = await page.evaluate(async ({ seconds, six }) => {
    const m = await import('./www/pkg/saddle_web.js');
    const kinds = JSON.parse(m.catalog()).optimizers.filter((o) => o.network !== false).map((o) => o.key);
    /** Steps/s of `new RaceLab(q)`, after a warm-up, in chunks of 100 steps for `seconds`. */
    const rate = (q) => {
      const lab = new m.RaceLab(q);
      lab.advance(200);
      let steps = 0;
      const t0 = performance.now();
      while (performance.now() - t0 < seconds * 1000) {
        lab.advance(100);
        steps += 100;
      }
      const r = (steps * 1000) / (performance.now() - t0);
      lab.free();
      return r;
    };
    const out = kinds.map((k) => ({ what: k, stepsPerSec: rate(`racers=${k}`) }));
    out.push({ what: `six racers (${six})`, stepsPerSec: rate(`racers=${six}`) });
    return out;
  }, { seconds, six: SIX });

  // The page's own loop: Play for 4 s with six racers, long tasks observed.
  await page.evaluate(() => {
    window.longTasks = [];
    new PerformanceObserver((l) => { for (const e of l.getEntries()) window.longTasks.push(e.duration); })
      .observe({ type: 'longtask' });
  });
  await page.click('#race-play');
  await page.waitForTimeout(4000);
  await page.click('#race-play');
  const loop = await page.evaluate(() => ({ long: window.longTasks, perf: window.saddle.perf }));

  console.log(`Race lab, headless Chromium, ${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(1)}; ` +
    'Playground default network (circle, 400 points, hidden 4,2 tanh, batch 10)\n');
  console.log('| racer(s) | steps/s |\n|---|---|');
  for (const r of rows) console.log(`| ${r.what} | ${Math.round(r.stepsPerSec).toLocaleString('en-US')} |`);
  console.log(`\nPage loop, six racers, 4 s: ${Math.round(loop.perf.stepsPerSec ?? 0).toLocaleString('en-US')} race steps/s, ` +
    `longest frame ${loop.perf.maxFrameMs.toFixed(1)} ms, long tasks (> 50 ms): ${loop.long.length ? loop.long.map((d) => Math.round(d)).join(', ') + ' ms' : 'none'}`);
} finally {
  await browser.close();
  await server.close();
}
