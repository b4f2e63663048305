// TensorFlow.js (npm `@tensorflow/tfjs` 4.22, backends `cpu` and `wasm`) on the bench workloads. Pass the library
// in (`window.tf` in the page, `require('@tensorflow/tfjs')` in Node) with its backend already set
// (see `setTfjsBackend`). Two idiomatic training paths, chosen with `api`:
//   'minimize' — tf.variable weights, the model as a function of tf ops, tf.tidy(() => optimizer.minimize(f, true));
//   'layers'   — tf.sequential() of tf.layers.dense (+ tf.layers.dropout), model.compile, await model.trainOnBatch.
// Both use tf.train.sgd / tf.train.adam, keep every minibatch resident as a tensor, and read the loss each step.

import { autoencoderInputs, batchIndices, HYPER, spiral } from '../lib/protocol.mjs';

export const TFJS_APIS = ['minimize', 'layers'];

/**
 * Select and initialise a backend ('cpu' or 'wasm'). For 'wasm' in a page, `wasmPaths` is the URL of
 * @tensorflow/tfjs-backend-wasm/dist/ (its .wasm files); Node finds them by itself.
 * @returns {Promise<string>} a description: backend, and SIMD / threads for wasm
 */
export async function setTfjsBackend(tf, backend, { wasmPaths } = {}) {
  if (backend === 'wasm' && wasmPaths) tf.wasm.setWasmPaths(wasmPaths);
  const ok = await tf.setBackend(backend);
  if (!ok || tf.getBackend() !== backend) throw new Error(`tfjs: cannot set backend ${backend}`);
  await tf.ready();
  tf.enableProdMode();
  if (backend !== 'wasm') return backend;
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  return `wasm (${simd ? 'SIMD' : 'no SIMD'}, ${threads ? 'multi-threaded' : 'single thread'})`;
}

/** A variable from an initial tensor (tf.variable shares its data; the initial tensor is disposed). */
const variableOf = (tf, init) => {
  const v = tf.variable(init);
  init.dispose();
  return v;
};
const glorot = (tf, shape, seed) => {
  const lim = Math.sqrt(6 / (shape[0] + shape[1]));
  return variableOf(tf, tf.randomUniform(shape, -lim, lim, 'float32', seed));
};

function spiralData(tf, batch) {
  const d = spiral();
  return batchIndices(d.n, batch).map((idx) => ({
    x: tf.tensor2d(idx.flatMap((i) => [d.x[i], d.y[i]]), [batch, 2]),
    y: tf.tensor2d(idx.map((i) => d.labels[i]), [batch, 1]),
  }));
}

function autoencoderData(tf, batch) {
  const { data, rows, cols } = autoencoderInputs();
  return batchIndices(rows, batch).map((idx) => {
    const buf = new Float32Array(batch * cols);
    idx.forEach((r, k) => buf.set(data.subarray(r * cols, (r + 1) * cols), k * cols));
    const x = tf.tensor2d(buf, [batch, cols]);
    return { x, y: x };
  });
}

/**
 * @param tf the TF.js library object, backend set
 * @param {'T1'|'T1b'|'T2'} workload
 * @param {{api?: 'minimize'|'layers'}} [opts]
 */
export async function createTfjsPeer(tf, workload, { api = 'minimize' } = {}) {
  if (!TFJS_APIS.includes(api)) throw new Error(`tfjs: unknown api ${api}`);
  const isT1 = workload === 'T1' || workload === 'T1b';
  if (!isT1 && workload !== 'T2') throw new Error(`tfjs: no ${workload}`);
  const batch = workload === 'T1' ? 10 : workload === 'T1b' ? 100 : 64;
  const data = isT1 ? spiralData(tf, batch) : autoencoderData(tf, batch);
  const optimizer = isT1
    ? tf.train.sgd(HYPER.T1.lr)
    : tf.train.adam(HYPER.T2.lr, HYPER.T2.beta1, HYPER.T2.beta2, HYPER.T2.eps);
  // ½·mean (o − y)² for T1; mean (o − y)² over all outputs for T2.
  const lossFn = isT1
    ? (y, o) => tf.mul(0.5, tf.mean(tf.squaredDifference(o, y)))
    : (y, o) => tf.mean(tf.squaredDifference(o, y));

  let step;
  let dispose;
  let description;
  if (api === 'minimize') {
    const { hidden, dim, keep } = HYPER.T2;
    const shapes = isT1 ? [[2, 8], [8, 8], [8, 1]] : [[dim, hidden], [hidden, dim]];
    const W = shapes.map((s, i) => glorot(tf, s, 11 + i));
    const b = shapes.map((s) => variableOf(tf, tf.zeros([s[1]])));
    const forward = isT1
      ? (x) => {
          let h = x;
          for (let l = 0; l < 3; l++) h = tf.tanh(tf.add(tf.matMul(h, W[l]), b[l]));
          return h;
        }
      : (x) => {
          const h = tf.relu(tf.add(tf.matMul(x, W[0]), b[0]));
          const hd = tf.dropout(h, 1 - keep); // inverted: kept units scaled by 1 / keep
          return tf.sigmoid(tf.add(tf.matMul(hd, W[1]), b[1]));
        };
    step = (x, y) => {
      const cost = tf.tidy(() => optimizer.minimize(() => lossFn(y, forward(x)), true));
      const v = cost.dataSync()[0];
      cost.dispose();
      return v;
    };
    dispose = () => [...W, ...b].forEach((v) => v.dispose());
    description = 'tf.variable + tf.tidy(optimizer.minimize)';
  } else {
    const model = tf.sequential();
    if (isT1) {
      model.add(tf.layers.dense({ inputShape: [2], units: 8, activation: 'tanh' }));
      model.add(tf.layers.dense({ units: 8, activation: 'tanh' }));
      model.add(tf.layers.dense({ units: 1, activation: 'tanh' }));
    } else {
      const { hidden, dim, keep } = HYPER.T2;
      model.add(tf.layers.dense({ inputShape: [dim], units: hidden, activation: 'relu' }));
      model.add(tf.layers.dropout({ rate: 1 - keep }));
      model.add(tf.layers.dense({ units: dim, activation: 'sigmoid' }));
    }
    model.compile({ optimizer, loss: isT1 ? lossFn : 'meanSquaredError' });
    step = (x, y) => model.trainOnBatch(x, y);
    dispose = () => model.dispose();
    description = 'tf.sequential + await model.trainOnBatch';
  }

  let next = 0;
  let last = NaN;
  return {
    name: 'tfjs',
    api: description,
    batch,
    async steps(n) {
      let total = 0;
      for (let s = 0; s < n; s++) {
        const { x, y } = data[next];
        next = (next + 1) % data.length;
        const r = step(x, y);
        last = typeof r === 'number' ? r : await r; // no microtask for the synchronous path
        total += last;
      }
      return total / Math.max(n, 1);
    },
    loss: () => last,
    epochSteps: data.length,
    cursor: () => next,
    dispose() {
      dispose();
      optimizer.dispose();
      for (const { x, y } of data) {
        x.dispose();
        if (y !== x) y.dispose();
      }
    },
  };
}
