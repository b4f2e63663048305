// Page metrics for the Playground (a measurement, not a test: nothing here passes or fails). Opens index.html in
// headless Chromium and reports, per fresh page load:
//   - time from navigation start to body[data-ready]="1" (first frame drawn) and to the first *trained* frame
//     (Play pressed the moment the page is ready; the first animation frame after which #metric-step is > 0);
//   - the wasm size, raw and gzip -9 (www/pkg/*.wasm), and the page's own text assets for context;
//   - frames per second while the default network trains for a window (a requestAnimationFrame counter in the page),
//     frame-interval percentiles and the worst gap, and optimizer steps per second;
//   - main-thread long tasks (PerformanceObserver 'longtask', installed with addInitScript before navigation): the
//     longest while training and how many exceed 50 ms, plus the same during load;
//   - the page's own perf hook (window.saddle.perf: k, stepMs, drawMs, frameMs, maxFrameMs), sampled every frame
//     of the window (mean, p95, max) and its final maxFrameMs.
// Prints a markdown table and the JSON; --out FILE also writes the JSON.
//
// Usage: node bench/page-metrics.mjs [--runs 3] [--seconds 5] [--hash 'dataset=circle'] [--width 1440 --height 900]
//                                    [--out FILE]
// Needs www/pkg (./scripts/build-web.sh) and Chromium (./scripts/setup.sh). The machine's load average is printed
// with the numbers: on a shared 2-core machine they move with whatever else runs.

import { readdir, readFile, writeFile, stat } from 'node:fs/promises';
import { gzipSync, brotliCompressSync, constants as zc } from 'node:zlib';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startServer, REPO_ROOT } from '../tests/e2e/server.mjs';
import { launch, CHROMIUM } from '../tests/e2e/browser.mjs';

const { values: opt } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '5' },
    hash: { type: 'string', default: '' },
    width: { type: 'string', default: '1440' },
    height: { type: 'string', default: '900' },
    out: { type: 'string' },
  },
});
const RUNS = Math.max(1, Number(opt.runs));
const WINDOW_MS = Math.max(0.5, Number(opt.seconds)) * 1000;
const VIEWPORT = { width: Number(opt.width), height: Number(opt.height) };
const READY_TIMEOUT_MS = 120_000;

/** Installed before any page script runs: long-task observer, data-ready timestamp, auto-Play at ready. */
function initScript() {
  const m = { longtasks: [], readyAt: null, playAt: null, firstTrainedAt: null, observerSupported: false };
  window.__pageMetrics = m;
  try {
    const po = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) m.longtasks.push({ start: e.startTime, duration: e.duration });
    });
    po.observe({ type: 'longtask', buffered: true });
    m.observerSupported = PerformanceObserver.supportedEntryTypes.includes('longtask');
  } catch { /* reported as observerSupported: false */ }
  const watchFirstTrained = () => {
    const tick = () => {
      const el = document.querySelector('#metric-step');
      const step = el ? Number(el.textContent.replace(/,/g, '')) : 0;
      // This callback was queued after the page's own frame callback, so it runs after that frame drew.
      if (step > 0) m.firstTrainedAt = performance.now();
      else requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  };
  const onReady = () => {
    if (m.readyAt !== null || document.body?.dataset.ready !== '1') return;
    m.readyAt = performance.now();
    if (window.__pageMetricsAutoPlay !== false) {
      const play = document.querySelector('#play');
      m.playAt = performance.now();
      play?.click();
      watchFirstTrained();
    }
  };
  const attach = () => {
    new MutationObserver(onReady).observe(document.body, { attributes: true, attributeFilter: ['data-ready'] });
    onReady();
  };
  if (document.body) attach();
  else document.addEventListener('DOMContentLoaded', attach, { once: true });
}

/** In the page: count frames and sample window.saddle.perf for `ms` while the run plays. */
async function measureWindow(ms) {
  const m = window.__pageMetrics;
  const stats = () => JSON.parse(window.saddle.playground.stats());
  const t0 = performance.now();
  const step0 = stats().step;
  const times = [];
  const perf = [];
  await new Promise((resolve) => {
    const tick = (t) => {
      times.push(t);
      const p = window.saddle.perf;
      if (p) perf.push({ k: p.k, stepMs: p.stepMs, drawMs: p.drawMs, frameMs: p.frameMs });
      if (performance.now() - t0 >= ms) resolve();
      else requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  const t1 = performance.now();
  const s1 = stats();
  const running = document.querySelector('#status')?.textContent;
  document.querySelector('#pause')?.click();
  const gaps = times.slice(1).map((t, i) => t - times[i]);
  const during = m.longtasks.filter((e) => e.start >= t0 && e.start < t1);
  const beforeTrain = m.longtasks.filter((e) => e.start < (m.playAt ?? t0));
  return {
    windowStart: t0,
    elapsedMs: t1 - t0,
    frames: times.length,
    spanMs: times.length > 1 ? times[times.length - 1] - times[0] : NaN,
    gaps,
    steps: s1.step - step0,
    finalStep: s1.step,
    testLoss: s1.testLoss,
    diverged: s1.diverged,
    statusDuringWindow: running,
    perf,
    finalPerf: { ...window.saddle.perf },
    longtasksTraining: during,
    longtasksLoad: beforeTrain,
    observerSupported: m.observerSupported,
    readyAt: m.readyAt,
    playAt: m.playAt,
    firstTrainedAt: m.firstTrainedAt,
    nav: (() => {
      const n = performance.getEntriesByType('navigation')[0];
      return n ? { domContentLoaded: n.domContentLoadedEventEnd, load: n.loadEventEnd } : null;
    })(),
    wasmResource: (() => {
      const r = performance.getEntriesByType('resource').find((e) => e.name.endsWith('.wasm'));
      return r ? { start: r.startTime, responseEnd: r.responseEnd, transferSize: r.transferSize } : null;
    })(),
    devicePixelRatio: window.devicePixelRatio,
    canvases: [...document.querySelectorAll('canvas')].map((c) => `${c.id} ${c.width}x${c.height}`),
  };
}

function quantile(xs, q) {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1));
  return s[i];
}
const mean = (xs) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
const median = (xs) => quantile(xs, 0.5);
const r1 = (x) => (Number.isFinite(x) ? Math.round(x * 10) / 10 : null);
const r2 = (x) => (Number.isFinite(x) ? Math.round(x * 100) / 100 : null);

async function sizes() {
  const pkg = path.join(REPO_ROOT, 'www', 'pkg');
  const wasm = [];
  for (const f of (await readdir(pkg)).filter((x) => x.endsWith('.wasm')).sort()) {
    const buf = await readFile(path.join(pkg, f));
    wasm.push({
      file: `www/pkg/${f}`,
      raw: buf.length,
      gzip9: gzipSync(buf, { level: 9 }).length,
      brotli11: brotliCompressSync(buf, { params: { [zc.BROTLI_PARAM_QUALITY]: 11 } }).length,
    });
  }
  const text = [path.join(REPO_ROOT, 'index.html')];
  for (const dir of ['www', 'www/pkg']) {
    for (const f of await readdir(path.join(REPO_ROOT, dir))) {
      if (/\.(js|css)$/.test(f)) text.push(path.join(REPO_ROOT, dir, f));
    }
  }
  let raw = 0;
  let gz = 0;
  for (const f of text) {
    if (!(await stat(f)).isFile()) continue;
    const buf = await readFile(f);
    raw += buf.length;
    gz += gzipSync(buf, { level: 9 }).length;
  }
  return { wasm, text: { files: text.length, raw, gzip9: gz } };
}

async function oneRun(browser, server) {
  const page = await browser.context.newPage();
  try {
    await page.addInitScript(initScript);
    const hash = opt.hash ? `#${opt.hash.replace(/^#/, '')}` : '';
    await page.goto(`${server.url}index.html${hash}`, { waitUntil: 'load', timeout: READY_TIMEOUT_MS });
    await page.waitForFunction(() => window.__pageMetrics?.firstTrainedAt !== null || document.body.dataset.ready === 'error',
      null, { timeout: READY_TIMEOUT_MS, polling: 50 });
    if ((await page.evaluate(() => document.body.dataset.ready)) !== '1') {
      throw new Error(`the page failed to start: ${await page.textContent('#error-banner')}`);
    }
    const w = await page.evaluate(measureWindow, WINDOW_MS);
    const fps = ((w.frames - 1) * 1000) / w.spanMs;
    const ltLoad = w.longtasksLoad.map((e) => e.duration);
    const ltTrain = w.longtasksTraining.map((e) => e.duration);
    const col = (k) => w.perf.map((p) => p[k]).filter(Number.isFinite);
    return {
      readyMs: w.readyAt,
      firstTrainedFrameMs: w.firstTrainedAt,
      playToFirstTrainedMs: w.firstTrainedAt - w.playAt,
      domContentLoadedMs: w.nav?.domContentLoaded ?? null,
      loadMs: w.nav?.load ?? null,
      wasmResponseEndMs: w.wasmResource?.responseEnd ?? null,
      fps,
      frames: w.frames,
      windowMs: w.elapsedMs,
      frameGapMs: { p50: quantile(w.gaps, 0.5), p95: quantile(w.gaps, 0.95), max: Math.max(...w.gaps) },
      stepsPerSecond: (w.steps * 1000) / w.elapsedMs,
      steps: w.steps,
      testLossAfter: w.testLoss,
      diverged: w.diverged,
      status: w.statusDuringWindow,
      longtaskSupported: w.observerSupported,
      longtasksTraining: { count: ltTrain.length, over50: ltTrain.filter((d) => d > 50).length, maxMs: ltTrain.length ? Math.max(...ltTrain) : 0,
        // [ms after the window opened, duration ms] for each long task, to tell warm-up from steady state.
        entries: w.longtasksTraining.map((e) => [e.start - w.windowStart, e.duration]) },
      longtasksLoad: { count: ltLoad.length, maxMs: ltLoad.length ? Math.max(...ltLoad) : 0, totalMs: ltLoad.reduce((a, b) => a + b, 0) },
      perf: {
        k: { mean: mean(col('k')), max: Math.max(...col('k')) },
        stepMs: { mean: mean(col('stepMs')), p95: quantile(col('stepMs'), 0.95), max: Math.max(...col('stepMs')) },
        drawMs: { mean: mean(col('drawMs')), p95: quantile(col('drawMs'), 0.95), max: Math.max(...col('drawMs')) },
        frameMs: { mean: mean(col('frameMs')), p95: quantile(col('frameMs'), 0.95), max: Math.max(...col('frameMs')) },
        final: w.finalPerf,
      },
      devicePixelRatio: w.devicePixelRatio,
      canvases: w.canvases,
    };
  } finally {
    await page.close().catch(() => {});
  }
}

const server = await startServer();
const browser = await launch({ viewport: VIEWPORT, timeoutMs: READY_TIMEOUT_MS });
const loadBefore = os.loadavg();
const runs = [];
try {
  for (let i = 0; i < RUNS; i++) {
    const r = await oneRun(browser, server);
    runs.push(r);
    process.stderr.write(`run ${i + 1}/${RUNS}: ready ${r1(r.readyMs)} ms, first trained frame ${r1(r.firstTrainedFrameMs)} ms, `
      + `${r1(r.fps)} fps, longest task while training ${r1(r.longtasksTraining.maxMs)} ms\n`);
  }
} finally {
  await browser.close();
  await server.close();
}
const size = await sizes();

const med = (f) => median(runs.map(f).filter(Number.isFinite));
const worst = (f) => Math.max(...runs.map(f).filter(Number.isFinite));
const summary = {
  readyMs: med((r) => r.readyMs),
  firstTrainedFrameMs: med((r) => r.firstTrainedFrameMs),
  playToFirstTrainedMs: med((r) => r.playToFirstTrainedMs),
  fps: med((r) => r.fps),
  frameGapP95Ms: med((r) => r.frameGapMs.p95),
  frameGapMaxMs: worst((r) => r.frameGapMs.max),
  stepsPerSecond: med((r) => r.stepsPerSecond),
  longtaskMaxTrainingMs: worst((r) => r.longtasksTraining.maxMs),
  longtasksOver50Training: med((r) => r.longtasksTraining.over50),
  longtaskMaxLoadMs: worst((r) => r.longtasksLoad.maxMs),
  perfStepMsMean: med((r) => r.perf.stepMs.mean),
  perfDrawMsMean: med((r) => r.perf.drawMs.mean),
  perfFrameMsMean: med((r) => r.perf.frameMs.mean),
  perfFrameMsP95: med((r) => r.perf.frameMs.p95),
  perfMaxFrameMs: worst((r) => r.perf.final.maxFrameMs),
  perfK: med((r) => r.perf.k.mean),
};
const result = {
  date: new Date().toISOString(),
  machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, loadavgBefore: loadBefore.map(r2), loadavgAfter: os.loadavg().map(r2) },
  chromium: CHROMIUM,
  viewport: VIEWPORT,
  hash: opt.hash || '(default)',
  windowSeconds: WINDOW_MS / 1000,
  runs: runs.length,
  sizes: size,
  summary,
  perRun: runs,
};

const kb = (b) => `${(b / 1024).toFixed(1)} KiB`;
const rows = [
  ['Navigation → body[data-ready]="1" (first frame)', `${r1(summary.readyMs)} ms`, 'median of runs'],
  ['Navigation → first trained frame (Play at ready)', `${r1(summary.firstTrainedFrameMs)} ms`, `Play → trained frame ${r1(summary.playToFirstTrainedMs)} ms`],
  ...size.wasm.map((w) => [`wasm ${w.file}`, `${kb(w.raw)} raw, ${kb(w.gzip9)} gzip -9`, `brotli 11: ${kb(w.brotli11)}`]),
  ['Page HTML + JS + CSS', `${kb(size.text.raw)} raw, ${kb(size.text.gzip9)} gzip -9`, `${size.text.files} files`],
  [`Frames per second while training (${WINDOW_MS / 1000} s)`, `${r1(summary.fps)} fps`, `frame gap p95 ${r1(summary.frameGapP95Ms)} ms, worst ${r1(summary.frameGapMaxMs)} ms`],
  ['Optimizer steps per second (in the page)', `${Math.round(summary.stepsPerSecond).toLocaleString('en-US')}`, `k (steps/frame) mean ${r1(summary.perfK)}`],
  ['Longest main-thread task while training', `${r1(summary.longtaskMaxTrainingMs)} ms`, `tasks > 50 ms: ${summary.longtasksOver50Training} (median of runs); longtask API ${runs.every((r) => r.longtaskSupported) ? 'on' : 'UNSUPPORTED'}`],
  ['Longest main-thread task during load', `${r1(summary.longtaskMaxLoadMs)} ms`, 'worst of runs'],
  ['saddle.perf stepMs (mean over frames)', `${r2(summary.perfStepMsMean)} ms`, ''],
  ['saddle.perf drawMs (mean over frames)', `${r2(summary.perfDrawMsMean)} ms`, ''],
  ['saddle.perf frameMs (mean / p95)', `${r2(summary.perfFrameMsMean)} / ${r2(summary.perfFrameMsP95)} ms`, ''],
  ['saddle.perf maxFrameMs (whole session)', `${r1(summary.perfMaxFrameMs)} ms`, 'worst of runs; includes the first frames'],
];
console.log(`\n## Saddle page metrics — ${result.date}\n`);
console.log(`${runs.length} fresh page load(s), viewport ${VIEWPORT.width}×${VIEWPORT.height} (DPR ${runs[0]?.devicePixelRatio}), `
  + `hash ${result.hash}, ${os.cpus().length} CPUs, load average ${result.machine.loadavgBefore.join(' ')} → ${result.machine.loadavgAfter.join(' ')}\n`);
console.log('| Metric | Value | Notes |');
console.log('|---|---|---|');
for (const [a, b, c] of rows) console.log(`| ${a} | ${b} | ${c} |`);
console.log('\n```json');
console.log(JSON.stringify(result, (k, v) => (typeof v === 'number' && !Number.isInteger(v) ? r2(v) : v), 2));
console.log('```');
if (opt.out) await writeFile(opt.out, JSON.stringify(result, null, 2));
