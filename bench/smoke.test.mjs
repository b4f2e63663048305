// Smoke test of the bench's peer implementations, in Node (no browser): the shared data generator matches its
// references, and every peer on every workload it runs trains (its loss goes down over a few steps) and cleans up.
// Needs the bench's npm packages: `npm ci --prefix bench`. Run: `node --test bench/smoke.test.mjs` (or `npm test --prefix bench`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { autoencoderInputs, batchIndices, benchPeer, measure, mulberry32, spiral } from './lib/protocol.mjs';
import { createPlaygroundPeer } from './peers/playground.mjs';
import { createConvnetPeer } from './peers/convnetjs.mjs';
import { createTfjsPeer, setTfjsBackend, TFJS_APIS } from './peers/tfjs.mjs';

const require = createRequire(import.meta.url);
function load(name) {
  try {
    return require(name);
  } catch (err) {
    throw new Error(`cannot load ${name}: run \`npm ci --prefix bench\` first (${err.message})`);
  }
}

/** Steps per check: an epoch of T1 / T1b; a few batches of T2 (slow on tfjs cpu in Node). */
const PLAN = { T1: [50, 450], T1b: [5, 95], T2: [3, 12] };

/** Mean loss over `probe` steps, `train` steps, then mean loss over `probe` steps again. */
async function trains(peer, workload) {
  const [probe, train] = PLAN[workload];
  assert.equal(peer.batch, { T1: 10, T1b: 100, T2: 64 }[workload]);
  assert.equal(peer.epochSteps, { T1: 50, T1b: 5, T2: 79 }[workload]);
  const c0 = peer.cursor();
  const first = await peer.steps(probe);
  await peer.steps(train);
  const last = await peer.steps(probe);
  assert.equal(peer.cursor(), (c0 + 2 * probe + train) % peer.epochSteps);
  assert.ok(Number.isFinite(first) && Number.isFinite(last), `${workload}: losses ${first}, ${last}`);
  assert.equal(peer.loss(), peer.loss(), 'loss() is stable between steps');
  assert.ok(Number.isFinite(peer.loss()), 'loss() is a number after steps');
  assert.ok(last < first, `${workload}: loss did not decrease: ${first} -> ${last}`);
  return { first, last };
}

test('mulberry32 and the spiral match WORKLOADS.md and Saddle', () => {
  const r = mulberry32(42);
  assert.deepEqual([r(), r(), r()], [2581720956, 1925393290, 3661312704]); // Saddle's reference outputs
  const s = spiral();
  assert.equal(s.n, 500);
  assert.equal([...s.labels].filter((l) => l > 0).length, 250);
  for (let i = 0; i < s.n; i++) assert.ok(Math.hypot(s.x[i], s.y[i]) < 5.2);
  const ae = autoencoderInputs();
  assert.equal(ae.data.length, 5000 * 784);
  assert.ok(ae.data.every((v) => v >= 0 && v < 1));
  const b = batchIndices(5000, 64);
  assert.equal(b.length, 79);
  assert.deepEqual(b[78].slice(7, 10), [4999, 0, 1]); // the last batch wraps around
});

test('measure follows the protocol: ≥ 5 warm-up steps, 3 windows, samples/s', async () => {
  let t = 0;
  let steps = 0;
  const r = await measure(() => t, (k) => ((steps += k), (t += k * 0.001)), 10, 0.05, 0.1);
  assert.equal(r.windows.length, 3);
  assert.ok(r.warmupSteps >= 5);
  for (const w of r.windows) assert.ok(Math.abs(w - 10_000) < 1e-6 * 10_000, `window ${w}`);
  assert.ok(r.min <= r.median && r.median <= r.max);
  const peer = await createPlaygroundPeer('T1');
  let clock = 0;
  const now = () => (clock += 0.001);
  const b = await benchPeer(peer, { warmupS: 0.01, windowS: 0.01, now });
  assert.ok(b.median > 0 && Number.isFinite(b.firstLoss) && Number.isFinite(b.lastLoss));
  assert.ok(b.lossAligned && peer.cursor() === 10, 'the last loss is taken over the first 10 batches again');
});

for (const workload of ['T1', 'T1b']) {
  test(`playground-js ${workload} trains`, async () => {
    const peer = await createPlaygroundPeer(workload);
    await trains(peer, workload);
  });
}

test('playground-js has no T2', async () => {
  await assert.rejects(createPlaygroundPeer('T2'));
});

for (const workload of ['T1', 'T1b', 'T2']) {
  test(`convnetjs ${workload} trains`, async () => {
    const peer = await createConvnetPeer(load('convnetjs'), workload);
    await trains(peer, workload);
  });
}

for (const backend of ['cpu', 'wasm']) {
  for (const api of TFJS_APIS) {
    test(`tfjs-${backend} [${api}] T1, T1b, T2 train without leaking tensors`, async () => {
      const tf = load('@tensorflow/tfjs');
      if (backend === 'wasm') load('@tensorflow/tfjs-backend-wasm');
      const info = await setTfjsBackend(tf, backend);
      assert.match(info, new RegExp(`^${backend}`));
      for (const workload of ['T1', 'T1b', 'T2']) {
        const before = tf.memory().numTensors;
        const peer = await createTfjsPeer(tf, workload, { api });
        await peer.steps(2);
        const live = tf.memory().numTensors;
        await trains(peer, workload);
        assert.equal(tf.memory().numTensors, live, `${workload}: tensors leak per step`);
        peer.dispose();
        assert.ok(tf.memory().numTensors <= before, `${workload}: tensors left after dispose`);
      }
    });
  }
}

test('the Playground-style engine takes the same SGD step as TF.js autodiff', async () => {
  const { buildNetwork, forward, backward, update } = await import('./peers/playground.mjs');
  const tf = load('@tensorflow/tfjs');
  await setTfjsBackend(tf, 'cpu');
  const tanh = { f: Math.tanh, df: (_x, out) => 1 - out * out };
  const net = buildNetwork([2, 8, 8, 1], tanh, tanh, 3);
  // The same weights as tensors: W[l] is fan_in × fan_out, row-major.
  const W = [1, 2, 3].map((l) => net[l][0].inputs.map((_, i) => net[l].map((n) => n.inputs[i].weight)));
  const b = [1, 2, 3].map((l) => net[l].map((n) => n.bias));
  const s = spiral();
  const idx = batchIndices(s.n, 10)[0];
  const lr = 0.03;
  for (const i of idx) {
    forward(net, [s.x[i], s.y[i]]);
    backward(net, s.labels[i]);
  }
  update(net, lr);
  const grads = tf.tidy(() => {
    const x = tf.tensor2d(idx.flatMap((i) => [s.x[i], s.y[i]]), [10, 2], 'float32');
    const y = tf.tensor2d(idx.map((i) => s.labels[i]), [10, 1]);
    const f = (...p) => {
      let h = x;
      for (let l = 0; l < 3; l++) h = tf.tanh(tf.add(tf.matMul(h, p[l]), p[3 + l]));
      return tf.mul(0.5, tf.mean(tf.squaredDifference(h, y)));
    };
    return tf.grads(f)([...W.map((w) => tf.tensor2d(w)), ...b.map((v) => tf.tensor1d(v))]).map((g) => g.arraySync());
  });
  for (let l = 0; l < 3; l++) {
    net[l + 1].forEach((n, j) => {
      assert.ok(Math.abs(n.bias - (b[l][j] - lr * grads[3 + l][j])) < 1e-6, `b${l + 1}[${j}]`);
      n.inputs.forEach((link, i) => {
        assert.ok(Math.abs(link.weight - (W[l][i][j] - lr * grads[l][i][j])) < 1e-6, `W${l + 1}[${i}][${j}]`);
      });
    });
  }
});
