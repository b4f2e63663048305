// Throughput benchmark, one run on one machine: Saddle native (cargo bench) and Saddle in headless Chromium
// (wasm), on the WORKLOADS.md workloads. Prints a table of samples/s (median, min–max of three windows) and
// writes bench/results/latest.json. Usage: node bench/run.mjs [--quick]
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startServer, REPO_ROOT } from '../tests/e2e/server.mjs';
import { launch } from '../tests/e2e/browser.mjs';

const quick = process.argv.includes('--quick');
const windowS = quick ? 0.3 : 2;
const warmupS = quick ? 0.1 : 0.5;

function runNative() {
  // The native bench prints one JSON object per line.
  const out = execFileSync('cargo', ['bench', '-q', '-p', 'saddle-core', '--bench', 'throughput'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, SADDLE_BENCH_WINDOW: String(windowS), SADDLE_BENCH_WARMUP: String(warmupS) },
  });
  return out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
}

async function runBrowser() {
  const server = await startServer();
  const browser = await launch({ timeoutMs: 600_000 });
  try {
    const { page, errors } = await browser.newPage();
    await page.goto(`${server.url}/bench/page.html?warmup=${warmupS}&window=${windowS}`);
    await page.waitForFunction(() => window.benchResults, null, { timeout: 600_000, polling: 500 });
    const results = await page.evaluate(() => window.benchResults);
    if (errors.length) throw new Error(`bench page errors: ${errors.join('; ')}`);
    const version = await browser.context.browser()?.version?.();
    return { results, version };
  } finally {
    await browser.close();
    await server.close();
  }
}

const fmt = (v) => (v >= 1e6 ? `${(v / 1e6).toFixed(2)} M` : v >= 1e3 ? `${(v / 1e3).toFixed(1)} k` : v.toFixed(0));

const native = runNative();
const { results: wasm, version } = await runBrowser();
const rows = [...native, ...wasm];
console.log(`\nSaddle throughput, samples/s (median [min–max] of 3 windows of ${windowS} s)`);
console.log(`machine: ${os.cpus()[0]?.model ?? 'unknown'} × ${os.cpus().length}, ${os.platform()} ${os.release()}; Chromium ${version ?? '?'}`);
console.log('| workload | runtime | samples/s | min–max | loss first → last |');
console.log('|---|---|---|---|---|');
for (const r of rows) {
  console.log(`| ${r.workload} | ${r.runtime} | ${fmt(r.median)} | ${fmt(r.min)}–${fmt(r.max)} | ${r.firstLoss.toFixed(3)} → ${r.lastLoss.toFixed(3)} |`);
}
for (const w of ['T1', 'T1b']) {
  const n = rows.find((r) => r.workload === w && r.runtime === 'native');
  const b = rows.find((r) => r.workload === w && r.runtime === 'saddle-wasm');
  if (n && b) console.log(`${w}: native / wasm = ${(n.median / b.median).toFixed(2)}`);
}
await mkdir(path.join(REPO_ROOT, 'bench', 'results'), { recursive: true });
await writeFile(
  path.join(REPO_ROOT, 'bench', 'results', 'latest.json'),
  JSON.stringify({ date: new Date().toISOString(), windowS, chromium: version, rows }, null, 1),
);
