// Runs a fixed number of steps of a workload in the Saddle wasm module under Node (the same V8 as Chromium,
// compiled by TurboFan only, one thread), for instruction counts that stay repeatable on a loaded machine:
//   valgrind --tool=callgrind --smc-check=all node --no-liftoff --single-threaded bench/wasm-steps.mjs T1 100000
// Subtract a run with 0 steps (start-up and compilation) and divide by the steps. Options: [workload] [steps]
// [pkg dir, default www/pkg].
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [name = 'T1', steps = '100000', pkg = 'www/pkg'] = process.argv.slice(2);
const dir = path.resolve(root, pkg);
const mod = await import(pathToFileURL(path.join(dir, 'saddle_web.js')).href);
mod.initSync({ module: readFileSync(path.join(dir, 'saddle_web_bg.wasm')) });
const loss = mod.runWorkloadSteps(name, Number(steps));
console.log(`${name}: ${steps} steps, mean loss of the next 10: ${loss.toFixed(6)}`);
