// Frame cost of the network diagram (issue 4), a measurement, not a test. Opens the Playground in headless
// Chromium with six hidden layers of eight units and reports:
//   - ms per drawDiagram (median and p95 of back-to-back draws, each flushed by a 1-pixel readback, which makes
//     the canvas rasterise): through the page's Diagram.draw() (its automatic thumbnail resolution), and the raw
//     wasm call at res 2 (≈ no forward pass), 25, 32 and 40 cells per side, so the forward pass and the raster
//     separate; plus the layout JSON (diagramLayout) per call;
//   - frames per second and optimizer steps per second while training with the diagram drawn every frame, and
//     the same window with the diagram's draw() switched off, so its share of a frame shows;
//   - the page's own perf hook while training (window.saddle.perf.diagramMs, frameMs).
// The diagram is the page's own (window.saddle.diagram, mounted by playground.js); if the page has none, the
// script mounts www/diagram.js itself into a box under the plots.
//
// Usage: node bench/diagram-cost.mjs [--hidden 8,8,8,8,8,8] [--width 1440 --height 900] [--dpr 1] [--seconds 4]
//                                    [--draws 60] [--out FILE] [--root DIR]
// --root serves another checkout (with its own www/pkg), e.g. a worktree of an earlier commit for a before/after.
// Needs www/pkg (./scripts/build-web.sh) and Chromium (./scripts/setup.sh). On a shared 2-core machine the numbers
// move with the load; the load average is printed beside them.

import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { startServer } from '../tests/e2e/server.mjs';
import { CHROMIUM, CHROMIUM_ARGS } from '../tests/e2e/browser.mjs';

const { values: opt } = parseArgs({
  options: {
    hidden: { type: 'string', default: '8,8,8,8,8,8' },
    act: { type: 'string', default: 'tanh' },
    width: { type: 'string', default: '1440' },
    height: { type: 'string', default: '900' },
    dpr: { type: 'string', default: '1' },
    seconds: { type: 'string', default: '4' },
    draws: { type: 'string', default: '60' },
    out: { type: 'string' },
    root: { type: 'string' },
  },
});
const WINDOW_MS = Math.max(0.5, Number(opt.seconds)) * 1000;
const DRAWS = Math.max(5, Number(opt.draws));
const TIMEOUT = 120_000;

/** In the page: the diagram (the page's, or one mounted here), waiting for the page's async mount. */
async function ensureDiagram() {
  const deadline = performance.now() + 10_000;
  while (!window.saddle.diagram && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (window.saddle.diagram) return { mounted: 'page' };
  const { Diagram } = await import(new URL('www/diagram.js', document.baseURI).href);
  const box = document.createElement('div');
  box.style.cssText = 'width: 900px; margin: 16px;';
  document.body.append(box);
  const d = new Diagram(box, {});
  d.attach(window.saddle.playground);
  window.__benchDiagram = d;
  return { mounted: 'bench' };
}

/** In the page: back-to-back draw timings (ms), each flushed by a 1-pixel readback. */
async function drawCosts(draws) {
  const d = window.saddle.diagram ?? window.__benchDiagram;
  const p = window.saddle.playground;
  const c = document.querySelector('#diagram-canvas');
  const ctx = c.getContext('2d');
  const flush = () => ctx.getImageData(0, 0, 1, 1);
  const time = (f) => {
    f();
    flush();
    const out = [];
    for (let i = 0; i < draws; i++) {
      const t0 = performance.now();
      f();
      flush();
      out.push(performance.now() - t0);
    }
    return out;
  };
  const result = { canvas: `${c.width}×${c.height}`, css: `${c.clientWidth}×${c.clientHeight}`, dpr: devicePixelRatio };
  const lay = JSON.parse(p.diagramLayout(c.clientWidth, c.clientHeight));
  result.thumbnailCss = lay.size;
  result.units = lay.layers.reduce((n, l) => n + l.units.length, 0);
  result.links = lay.links.length;
  for (const res of [2, 25, 32, 40]) result[`res${res}`] = time(() => p.drawDiagram(c, res, null));
  result.page = time(() => d.draw());
  result.layout = time(() => p.diagramLayout(c.clientWidth, c.clientHeight));
  result.flushOnly = time(() => {});
  return result;
}

/** In the page: play for `ms` with the diagram on or off; frames, steps and perf samples. */
async function trainingWindow({ ms, diagramOn }) {
  const d = window.saddle.diagram ?? window.__benchDiagram;
  const original = d.draw;
  if (!diagramOn) d.draw = () => {};
  const bench = window.__benchDiagram;
  const stats = () => JSON.parse(window.saddle.playground.stats());
  document.querySelector('#play').click();
  // Warm up a few frames (the step budget adapts), then measure.
  await new Promise((r) => { let n = 10; const t = () => (--n ? requestAnimationFrame(t) : r()); requestAnimationFrame(t); });
  const step0 = stats().step;
  const t0 = performance.now();
  const times = [];
  const perf = [];
  await new Promise((resolve) => {
    const tick = (t) => {
      times.push(t);
      if (bench && diagramOn) bench.draw(); // a bench-mounted diagram is not in the page's frame loop
      const p = window.saddle.perf;
      if (p) perf.push({ diagramMs: p.diagramMs, frameMs: p.frameMs, stepMs: p.stepMs, drawMs: p.drawMs, lossMs: p.lossMs, workMs: p.workMs, k: p.k });
      if (performance.now() - t0 >= ms) resolve();
      else requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  const elapsed = performance.now() - t0;
  const steps = stats().step - step0;
  document.querySelector('#pause').click();
  d.draw = original;
  return { frames: times.length, spanMs: times[times.length - 1] - times[0], elapsed, steps, perf };
}

function quantile(xs, q) {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (!s.length) return NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}
const mean = (xs) => { const v = xs.filter(Number.isFinite); return v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN; };
/** Mean per-frame parts from the page's perf samples: steps, data plot, loss chart, the work budget (if any). */
const parts = (perf) => Object.fromEntries(['stepMs', 'drawMs', 'lossMs', 'workMs']
  .map((k) => [`${k}Mean`, r2(mean(perf.map((p) => p[k])))]));
const r2 = (x) => (Number.isFinite(x) ? Math.round(x * 100) / 100 : null);

const server = await startServer(opt.root ? { root: path.resolve(opt.root) } : {});
const userDataDir = await mkdtemp(path.join(os.tmpdir(), 'saddle-diagram-bench-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS,
  viewport: { width: Number(opt.width), height: Number(opt.height) }, deviceScaleFactor: Number(opt.dpr), timeout: TIMEOUT,
});
const loadBefore = os.loadavg();
let out;
try {
  const page = context.pages()[0] ?? (await context.newPage());
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  const hash = `#hidden=${opt.hidden}&act=${opt.act}`;
  await page.goto(`${server.url}index.html${hash}`, { waitUntil: 'load', timeout: TIMEOUT });
  await page.waitForFunction(() => ['1', 'error'].includes(document.body.dataset.ready), null, { timeout: TIMEOUT });
  if ((await page.evaluate(() => document.body.dataset.ready)) !== '1') throw new Error(`page failed: ${errors.join('; ')}`);
  const mounted = await page.evaluate(ensureDiagram);
  await page.evaluate(() => document.querySelector('#diagram-canvas')?.scrollIntoView({ block: 'center' }));
  const costs = await page.evaluate(drawCosts, DRAWS);
  const on = await page.evaluate(trainingWindow, { ms: WINDOW_MS, diagramOn: true });
  const off = await page.evaluate(trainingWindow, { ms: WINDOW_MS, diagramOn: false });
  const fps = (w) => ((w.frames - 1) * 1000) / w.spanMs;
  const flush = quantile(costs.flushOnly, 0.5);
  const row = (k) => ({ median: r2(quantile(costs[k], 0.5) - flush), p95: r2(quantile(costs[k], 0.95) - flush) });
  out = {
    config: { hidden: opt.hidden, act: opt.act, viewport: `${opt.width}×${opt.height}`, dpr: Number(opt.dpr), mounted: mounted.mounted },
    canvas: { device: costs.canvas, css: costs.css, thumbnailCss: r2(costs.thumbnailCss), units: costs.units, links: costs.links },
    drawMs: { page: row('page'), res2: row('res2'), res25: row('res25'), res32: row('res32'), res40: row('res40'), layoutJson: row('layout') },
    training: {
      withDiagram: { fps: r2(fps(on)), stepsPerSecond: Math.round((on.steps * 1000) / on.elapsed),
        diagramMsMean: r2(mean(on.perf.map((p) => p.diagramMs))), diagramMsP95: r2(quantile(on.perf.map((p) => p.diagramMs), 0.95)),
        frameMsMean: r2(mean(on.perf.map((p) => p.frameMs))), frameMsP95: r2(quantile(on.perf.map((p) => p.frameMs), 0.95)),
        ...parts(on.perf) },
      withoutDiagram: { fps: r2(fps(off)), stepsPerSecond: Math.round((off.steps * 1000) / off.elapsed),
        frameMsMean: r2(mean(off.perf.map((p) => p.frameMs))), ...parts(off.perf) },
    },
    loadAverage: { before: loadBefore.map(r2), after: os.loadavg().map(r2) },
    errors,
  };
} finally {
  await context.close().catch(() => {});
  await rm(userDataDir, { recursive: true, force: true });
  await server.close();
}

const d = out.drawMs;
console.log(`Diagram frame cost, hidden=${out.config.hidden} ${out.config.act}, viewport ${out.config.viewport} @${out.config.dpr}x `
  + `(canvas ${out.canvas.device} device px, ${out.canvas.units} units, ${out.canvas.links} links, thumbnails ${out.canvas.thumbnailCss} CSS px; `
  + `diagram mounted by the ${out.config.mounted})\n`);
console.log('| measure | median ms | p95 ms |\n|---|---|---|');
for (const [k, label] of [['page', 'Diagram.draw() (page resolution)'], ['res2', 'drawDiagram res 2 (≈ raster only)'],
  ['res25', 'drawDiagram res 25'], ['res32', 'drawDiagram res 32'], ['res40', 'drawDiagram res 40'], ['layoutJson', 'diagramLayout JSON']]) {
  console.log(`| ${label} | ${d[k].median} | ${d[k].p95} |`);
}
const t = out.training;
console.log(`\nTraining: ${t.withDiagram.fps} fps, ${t.withDiagram.stepsPerSecond} steps/s with the diagram `
  + `(diagramMs mean ${t.withDiagram.diagramMsMean}, p95 ${t.withDiagram.diagramMsP95}; frameMs mean ${t.withDiagram.frameMsMean}); `
  + `${t.withoutDiagram.fps} fps, ${t.withoutDiagram.stepsPerSecond} steps/s without (frameMs mean ${t.withoutDiagram.frameMsMean}).`);
for (const [name, w] of [['with', t.withDiagram], ['without', t.withoutDiagram]]) {
  console.log(`  ${name} the diagram, per frame: steps ${w.stepMsMean} ms, data plot ${w.drawMsMean}, loss chart ${w.lossMsMean}`
    + `${w.workMsMean === null ? '' : `; work budget ${w.workMsMean} ms`}`);
}
console.log(`Load average before ${out.loadAverage.before.join(' ')}, after ${out.loadAverage.after.join(' ')}.`);
if (out.errors.length) console.log(`Page errors: ${out.errors.join('; ')}`);
console.log(`\n${JSON.stringify(out)}`);
if (opt.out) await writeFile(opt.out, JSON.stringify(out, null, 2));
