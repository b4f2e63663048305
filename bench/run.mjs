// Throughput benchmark, one run on one machine: Saddle (wasm in headless Chromium, and native via cargo bench)
// against its peers — TensorFlow.js (cpu and wasm backends), ConvNetJS, and a TensorFlow-Playground-style plain JS
// engine — on the workloads of shared/bench/WORKLOADS.md, under its protocol. Every browser runner gets a fresh
// Chromium for each workload (one per peer + backend + API + workload). Prints a markdown table of samples/s with the ratio Saddle (wasm) ÷ peer
// and writes bench/results/latest.md and latest.json.
//
// Usage: node bench/run.mjs [options]        (./scripts/bench.sh sets up, builds and installs first)
//   --quick              short windows (warm-up 0.1 s, windows 0.3 s): a smoke run, not a measurement
//   --only T1,T1b,T2,T3  workloads to run (T3 is a placeholder slot until the landscape issue lands)
//   --peers LIST         peers to run, from tfjs-cpu, tfjs-wasm, convnetjs, playground-js (default all);
//                        Saddle wasm always runs (every ratio is against it)
//   --tfjs-api LIST      TF.js training paths to time, from minimize, layers (default both; the table shows the
//                        faster per backend and workload, latest.json keeps both)
//   --no-native          skip Saddle native (cargo bench)
//   --pkg DIR            the Saddle wasm build to run, relative to the repository (default www/pkg)
//   --warmup S --window S  override the warm-up and window lengths
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startServer, REPO_ROOT } from '../tests/e2e/server.mjs';
import { launch, CHROMIUM } from '../tests/e2e/browser.mjs';

const PEERS = ['tfjs-wasm', 'tfjs-cpu', 'convnetjs', 'playground-js'];
const APIS = ['minimize', 'layers'];
const ALL_WORKLOADS = ['T1', 'T1b', 'T2', 'T3'];
const LABEL = {
  'saddle-wasm': 'Saddle (wasm)',
  'saddle-native': 'Saddle native',
  'tfjs-wasm': 'TF.js wasm',
  'tfjs-cpu': 'TF.js cpu',
  convnetjs: 'ConvNetJS',
  'playground-js': 'Playground-style JS',
};
const WORKLOAD_LABEL = {
  T1: 'T1 MLP 2-8-8-1, batch 10, SGD',
  T1b: 'T1b same, batch 100',
  T2: 'T2 AE 784-256-784, batch 64, Adam',
  T3: 'T3 Hessian + eigendecomposition',
};

const { values: opts } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    peers: { type: 'string' },
    'tfjs-api': { type: 'string' },
    'no-native': { type: 'boolean', default: false },
    pkg: { type: 'string', default: 'www/pkg' },
    warmup: { type: 'string' },
    window: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (opts.help) {
  const src = await readFile(new URL(import.meta.url), 'utf8');
  const head = src.split('\n');
  console.log(head.slice(0, head.findIndex((l) => !l.startsWith('//'))).map((l) => l.slice(3)).join('\n'));
  process.exit(0);
}
const list = (v, allowed, what) => {
  if (v == null) return allowed;
  const items = v.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = items.filter((s) => !allowed.includes(s));
  if (bad.length) {
    console.error(`unknown ${what}: ${bad.join(', ')} (known: ${allowed.join(', ')})`);
    process.exit(2);
  }
  return allowed.filter((s) => items.includes(s));
};
const workloads = list(opts.only, ALL_WORKLOADS, 'workload');
const peers = list(opts.peers, PEERS, 'peer');
const apis = list(opts['tfjs-api'], APIS, 'TF.js api');
const warmupS = Number(opts.warmup ?? (opts.quick ? 0.1 : 0.5));
const windowS = Number(opts.window ?? (opts.quick ? 0.3 : 2));
const runnable = workloads.filter((w) => w !== 'T3');
const pkgDir = path.relative(REPO_ROOT, path.resolve(REPO_ROOT, opts.pkg)).split(path.sep).join('/');
const command = ['node', 'bench/run.mjs', ...process.argv.slice(2)].join(' ');

const log = (msg) => process.stderr.write(`[bench] ${msg}\n`);

// --- Saddle native --------------------------------------------------------------------------------------------
function runNative() {
  const wanted = runnable.filter((w) => w === 'T1' || w === 'T1b' || w === 'T2');
  if (opts['no-native'] || wanted.length === 0) return [];
  log(`Saddle native: cargo bench -p saddle-core --bench throughput -- ${wanted.join(' ')}`);
  try {
    const out = execFileSync('cargo', ['bench', '-q', '-p', 'saddle-core', '--bench', 'throughput', '--', ...wanted], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, SADDLE_BENCH_WINDOW: String(windowS), SADDLE_BENCH_WARMUP: String(warmupS) },
    });
    return out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l))
      .map(({ workload, runtime: _r, ...r }) => ({
        workload,
        runner: 'saddle-native',
        api: 'cargo bench --bench throughput',
        backend: `native ${os.arch()}, one thread`,
        ...r,
      }));
  } catch (err) {
    return wanted.map((workload) => ({ workload, runner: 'saddle-native', error: `cargo bench failed: ${err.message}` }));
  }
}

// --- browser runners ------------------------------------------------------------------------------------------
async function runPage(server, runner, api, workload) {
  const q = new URLSearchParams({ runner, workloads: workload, warmup: warmupS, window: windowS });
  if (api) q.set('api', api);
  if (runner === 'saddle-wasm') q.set('pkg', `/${pkgDir}`);
  const browser = await launch({ timeoutMs: 900_000 });
  try {
    const { page, errors } = await browser.newPage();
    await page.goto(`${server.url}bench/page.html?${q}`);
    await page.waitForFunction(() => window.benchResults, null, { timeout: 900_000, polling: 250 });
    const report = await page.evaluate(() => window.benchResults);
    return { ...report, pageErrors: errors };
  } finally {
    await browser.close();
  }
}

function rowsOf(report, runner, api, workload) {
  const base = { runner, tfjsApi: api ?? undefined, backend: report.backend };
  const rows = report.results.map((r) => ({ ...base, api: r.api ?? report.api, ...r }));
  const missing = [workload].filter((w) => !rows.some((r) => r.workload === w));
  const why = report.error ?? (report.pageErrors.length ? report.pageErrors.join('; ') : 'no result');
  for (const workload of missing) rows.push({ ...base, workload, error: why });
  return rows;
}

// --- formatting -----------------------------------------------------------------------------------------------
const fmt = (v) =>
  v >= 1e6 ? `${(v / 1e6).toFixed(2)} M` : v >= 1e4 ? `${(v / 1e3).toFixed(0)} k` : v >= 1e3 ? `${(v / 1e3).toFixed(1)} k` : v.toFixed(v >= 100 ? 0 : 1);
const ratioFmt = (x) => (x >= 100 ? `×${x.toFixed(0)}` : x >= 10 ? `×${x.toFixed(1)}` : `×${x.toFixed(2)}`);
const measured = (r) => r && Number.isFinite(r.median);
const lossFmt = (r) =>
  Number.isFinite(r.firstLoss) && Number.isFinite(r.lastLoss)
    ? `${r.firstLoss.toPrecision(4)} → ${r.lastLoss.toPrecision(4)}${r.lastLoss < r.firstLoss ? '' : ' ⚠ not decreasing'}`
    : '–';
const statusOf = (r) =>
  !r ? '–' : measured(r) ? null : r.pending ? 'pending' : r.unsupported ? '–' : r.error ? 'error' : '–';

/** The row that stands for a runner on a workload: for TF.js, the faster API. */
function best(rows, workload, runner) {
  const cands = rows.filter((r) => r.workload === workload && r.runner === runner);
  const ok = cands.filter(measured).sort((a, b) => b.median - a.median);
  return ok[0] ?? cands[0];
}

function render(rows, meta) {
  const runners = ['saddle-wasm', ...(rows.some((r) => r.runner === 'saddle-native') ? ['saddle-native'] : []), ...peers];
  const L = [];
  L.push('## Saddle vs peers: training throughput (samples/s)');
  L.push('');
  L.push(`- date: ${meta.date}; command: \`${meta.command}\``);
  L.push(`- machine: ${meta.cpu} × ${meta.cores} cores, ${meta.memGiB} GiB, load average ${meta.loadBefore} before / ${meta.loadAfter} after; ${meta.os}`);
  L.push(`- browser: ${meta.chromium} (headless, a fresh browser per runner and workload); Node ${meta.node}; ${meta.versions}`);
  L.push(`- protocol (WORKLOADS.md): data resident; warm-up ≥ ${meta.warmupS} s and ≥ 5 steps; 3 windows ≥ ${meta.windowS} s; median [min–max]${meta.quick ? ' — QUICK RUN, not a measurement' : ''}`);
  L.push(`- Saddle commit ${meta.commit}; wasm module ${meta.saddlePkg}`);
  L.push('');
  L.push('Each cell: median samples/s, and Saddle (wasm) ÷ that runner.');
  L.push('');
  L.push(`| workload | ${runners.map((r) => LABEL[r]).join(' | ')} |`);
  L.push(`|---|${runners.map(() => '---:').join('|')}|`);
  const saddleOf = (w) => rows.find((r) => r.workload === w && r.runner === 'saddle-wasm');
  for (const w of workloads) {
    if (w === 'T3') {
      L.push(`| ${WORKLOAD_LABEL[w]} | ${runners.map((_, i) => (i ? '–' : 'lands with the landscape issue')).join(' | ')} |`);
      continue;
    }
    const s = saddleOf(w);
    const cells = runners.map((runner) => {
      const r = best(rows, w, runner);
      const st = statusOf(r);
      if (st) return st;
      if (runner === 'saddle-wasm') return fmt(r.median);
      return measured(s) ? `${fmt(r.median)} (${ratioFmt(s.median / r.median)})` : fmt(r.median);
    });
    L.push(`| ${WORKLOAD_LABEL[w]} | ${cells.join(' | ')} |`);
  }
  const tfBest = [];
  for (const runner of ['tfjs-wasm', 'tfjs-cpu'].filter((p) => peers.includes(p))) {
    for (const w of runnable) {
      const r = best(rows, w, runner);
      if (measured(r) && apis.length > 1) tfBest.push(`${LABEL[runner]} ${w}: ${r.tfjsApi}`);
    }
  }
  if (tfBest.length) L.push('', `Faster TF.js path per cell (minimize = tf.variable + tf.tidy(optimizer.minimize); layers = tf.sequential + trainOnBatch): ${tfBest.join('; ')}.`);
  L.push('');
  L.push('### All runs');
  L.push('');
  L.push('| workload | runner | API | backend | samples/s | min–max | loss first → last (mean of 10 steps) | Saddle wasm ÷ |');
  L.push('|---|---|---|---|---:|---|---|---:|');
  for (const w of runnable) {
    const s = saddleOf(w);
    for (const r of rows.filter((x) => x.workload === w)) {
      const name = LABEL[r.runner] + (r.tfjsApi ? ` [${r.tfjsApi}]` : '');
      if (!measured(r)) {
        const why = r.pending ? `pending: ${r.pending}` : r.unsupported ? 'not applicable' : `error: ${r.error}`;
        L.push(`| ${w} | ${name} | ${r.api ?? '–'} | ${r.backend ?? '–'} | ${statusOf(r)} | – | ${why.replace(/\|/g, '/').slice(0, 300)} | – |`);
        continue;
      }
      const ratio = measured(s) && r.runner !== 'saddle-wasm' ? ratioFmt(s.median / r.median) : '';
      L.push(`| ${w} | ${name} | ${r.api ?? '–'} | ${r.backend ?? '–'} | ${fmt(r.median)} | ${fmt(r.min)}–${fmt(r.max)} | ${lossFmt(r)} | ${ratio} |`);
    }
  }
  return L.join('\n');
}

// --- main -----------------------------------------------------------------------------------------------------
function sh(cmd, args) {
  try {
    return execFileSync(cmd, args, { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}
async function pkgVersion(name) {
  try {
    const j = JSON.parse(await readFile(path.join(REPO_ROOT, 'bench', 'node_modules', name, 'package.json'), 'utf8'));
    return j.version;
  } catch {
    return 'not installed';
  }
}

if (peers.length && !existsSync(path.join(REPO_ROOT, 'bench', 'node_modules'))) {
  console.error('bench/node_modules is missing: run `npm ci --prefix bench` (or ./scripts/bench.sh)');
  process.exit(1);
}
if (pkgDir.startsWith('..') || !existsSync(path.join(REPO_ROOT, pkgDir, 'saddle_web.js'))) {
  console.error(`${pkgDir}/saddle_web.js is missing: run ./scripts/build-web.sh (or ./scripts/bench.sh)`);
  process.exit(1);
}

const loadBefore = os.loadavg().map((x) => x.toFixed(2)).join(' ');
const rows = [];

const server = await startServer();
let userAgent = '';
try {
  const jobs = [['saddle-wasm', null]];
  for (const p of peers) {
    if (p.startsWith('tfjs-')) for (const a of apis) jobs.push([p, a]);
    else jobs.push([p, null]);
  }
  for (const [runner, api] of jobs) {
    log(`${LABEL[runner]}${api ? ` [${api}]` : ''}`);
    // A fresh Chromium for every runner and workload: no JIT state, heap or backend carried between them.
    for (const workload of runnable) {
      if (runner === 'playground-js' && workload === 'T2') {
        rows.push({ workload, runner, api: '–', backend: 'plain JS (objects, f64)', unsupported: true });
        continue;
      }
      try {
        const report = await runPage(server, runner, api, workload);
        userAgent ||= report.userAgent;
        const rs = rowsOf(report, runner, api, workload);
        for (const r of rs) {
          log(`  ${r.workload}: ${measured(r) ? `${fmt(r.median)} samples/s, loss ${lossFmt(r)}` : statusOf(r) + (r.error ? ` (${r.error})` : '')}`);
        }
        rows.push(...rs);
      } catch (err) {
        log(`  ${workload} failed: ${err.message}`);
        rows.push({ workload, runner, tfjsApi: api ?? undefined, error: err.message });
      }
    }
  }
} finally {
  await server.close();
}
// Native last: the browser runner that came right after this CPU-heavy minute measured low (T1 Saddle wasm 4.0–6.1 M
// in six runs against 5.0–8.1 M, median 7.3 M, in twelve runs without it on 2026-11-28), so no browser
// runner follows it now. The summary table picks rows by runner; only the all-runs listing shows native last.
rows.push(...runNative());

// The user agent says 156.0.0.0 (UA reduction); the binary knows its full version.
const chromium =
  sh(CHROMIUM, ['--version']).match(/[\d.]+\.\d+/)?.[0] ?? userAgent.match(/Chrome\/([\d.]+)/)?.[1] ?? '?';
const dirty = sh('git', ['status', '--porcelain']) ? ' (with uncommitted changes)' : '';
const meta = {
  date: new Date().toISOString(),
  command,
  quick: opts.quick,
  warmupS,
  windowS,
  cpu: os.cpus()[0]?.model ?? 'unknown CPU',
  cores: os.cpus().length,
  memGiB: (os.totalmem() / 2 ** 30).toFixed(0),
  loadBefore,
  loadAfter: os.loadavg().map((x) => x.toFixed(2)).join(' '),
  os: `${os.type()} ${os.release()} ${os.arch()}`,
  chromium: `Chromium ${chromium} (${CHROMIUM})`,
  node: process.versions.node,
  versions: `@tensorflow/tfjs ${await pkgVersion('@tensorflow/tfjs')}, @tensorflow/tfjs-backend-wasm ${await pkgVersion('@tensorflow/tfjs-backend-wasm')}, convnetjs ${await pkgVersion('convnetjs')}`,
  commit: (sh('git', ['rev-parse', '--short', 'HEAD']) || 'unknown') + dirty,
  saddlePkg: pkgDir,
};
const md = render(rows, meta);
console.log(md);

const dir = path.join(REPO_ROOT, 'bench', 'results');
await mkdir(dir, { recursive: true });
await writeFile(path.join(dir, 'latest.md'), md + '\n');
await writeFile(path.join(dir, 'latest.json'), JSON.stringify({ ...meta, workloads, peers, tfjsApis: apis, rows }, null, 1) + '\n');
log(`wrote bench/results/latest.md and latest.json`);

const failed = rows.filter((r) => r.error);
if (failed.length) {
  log(`${failed.length} run(s) failed: ${failed.map((r) => `${r.runner} ${r.workload}`).join(', ')}`);
  process.exit(1);
}
