// The benchmark workloads and protocol of shared/bench/WORKLOADS.md, in plain JavaScript, for the peers (TF.js,
// ConvNetJS, the Playground-style engine). Saddle's own side lives in crates/core/src/workloads.rs; the two must
// agree: same generator, same data, same batches, same timing rules. Runs in the browser and in Node.

/** mulberry32 returning uint32 (WORKLOADS.md, "Data"). */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** Uniform in [0, 1) with 24 bits from a mulberry32 generator. */
export const uniform = (r) => (r() >>> 8) / 16777216;

/**
 * The 500-point two-spiral (seed 42), shuffled as WORKLOADS.md says.
 * @returns {{x: Float64Array, y: Float64Array, labels: Float64Array, n: number}} x[i], y[i] the point, labels ±1.
 */
export function spiral() {
  const r = mulberry32(42);
  const pts = [];
  for (let c = 0; c < 2; c++) {
    for (let i = 0; i < 250; i++) {
      const rad = (5 * i) / 250;
      const t = (1.75 * 2 * Math.PI * i) / 250 + c * Math.PI;
      const x = rad * Math.sin(t) + (uniform(r) - 0.5) * 0.2;
      const y = rad * Math.cos(t) + (uniform(r) - 0.5) * 0.2;
      pts.push([x, y, c === 0 ? 1 : -1]);
    }
  }
  for (let i = pts.length - 1; i > 0; i--) {
    const j = r() % (i + 1);
    [pts[i], pts[j]] = [pts[j], pts[i]];
  }
  const n = pts.length;
  const out = { x: new Float64Array(n), y: new Float64Array(n), labels: new Float64Array(n), n };
  pts.forEach(([x, y, l], i) => {
    out.x[i] = x;
    out.y[i] = y;
    out.labels[i] = l;
  });
  return out;
}

/** The T2 autoencoder inputs (seed 7): 5000 × 784 uniform values, row-major, f32. */
export function autoencoderInputs(rows = 5000, cols = 784) {
  const r = mulberry32(7);
  const data = new Float32Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = uniform(r);
  return { data, rows, cols };
}

/**
 * Fixed in-order minibatches wrapping around, as Saddle takes them: ceil(n / batch) batches, batch k holding
 * rows (k·batch + i) mod n. Steps cycle through them in order.
 * @returns {number[][]} row indices of each batch
 */
export function batchIndices(n, batch) {
  const out = [];
  for (let k = 0; k < Math.ceil(n / batch); k++) {
    out.push(Array.from({ length: batch }, (_, i) => (k * batch + i) % n));
  }
  return out;
}

/** The workloads: minibatch size, and what each is. */
export const WORKLOADS = {
  T1: { batch: 10, what: 'MLP 2-8-8-1 tanh, ½·mean (o−y)², spiral 500, SGD lr 0.03, batch 10' },
  T1b: { batch: 100, what: 'T1 with batch 100' },
  T2: { batch: 64, what: 'autoencoder 784-256-784, ReLU + dropout 0.5, sigmoid, MSE, Adam 1e-3, batch 64' },
  T3: { batch: null, what: 'dense Hessian + eigendecomposition (lands with the landscape issue)' },
};

/** Hyper-parameters shared by every implementation. */
export const HYPER = {
  T1: { lr: 0.03 },
  T2: { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, keep: 0.5, hidden: 256, dim: 784 },
};

/**
 * The WORKLOADS.md protocol, exactly as Saddle's `measure` does it: warm up for at least `warmupS` seconds and
 * 5 steps, doubling the steps per call until a call lasts 10 ms, then `windows` windows of at least `windowS`
 * seconds each. `run(k)` performs k steps (it may return a promise).
 * @param {() => number} now seconds
 * @returns {Promise<{windows: number[], median: number, min: number, max: number, warmupSteps: number, chunk: number}>}
 */
export async function measure(now, run, samplesPerStep, warmupS, windowS, windows = 3) {
  let chunk = 1;
  const start = now();
  let warmSteps = 0;
  while (now() - start < warmupS || warmSteps < 5) {
    const t = now();
    await run(chunk);
    warmSteps += chunk;
    if (now() - t < 0.01) chunk *= 2;
  }
  const rates = [];
  for (let w = 0; w < windows; w++) {
    const t0 = now();
    let steps = 0;
    while (now() - t0 < windowS) {
      await run(chunk);
      steps += chunk;
    }
    rates.push((steps * samplesPerStep) / (now() - t0));
  }
  const sorted = [...rates].sort((a, b) => a - b);
  return {
    windows: rates,
    median: sorted[Math.floor(sorted.length / 2)],
    min: sorted[0],
    max: sorted[sorted.length - 1],
    warmupSteps: warmSteps,
    chunk,
  };
}

/**
 * Benchmark one peer under the protocol. firstLoss / lastLoss are Saddle's definition (the mean minibatch loss over
 * 10 steps) taken over the same batches: the first 10 of an epoch, before and after timing. To land on an epoch
 * boundary the peer runs a few untimed steps after the windows, when that costs at most 500 samples (always for
 * T1 / T1b; for T2, whose batches are statistically alike, only if it happens to be near the boundary).
 *
 * A peer is `{batch, epochSteps, steps(n) → Promise<mean loss over the n steps>, loss() → last step's loss,
 * cursor() → index of the next batch, api, dispose()}`.
 */
export async function benchPeer(peer, { warmupS, windowS, now }) {
  const firstLoss = await peer.steps(10);
  const t = await measure(now, (k) => peer.steps(k), peer.batch, warmupS, windowS, 3);
  const align = (peer.epochSteps - peer.cursor()) % peer.epochSteps;
  if (align * peer.batch <= 500) await peer.steps(align);
  const lastLoss = await peer.steps(10);
  return { ...t, firstLoss, lastLoss, lossAligned: align * peer.batch <= 500 };
}
