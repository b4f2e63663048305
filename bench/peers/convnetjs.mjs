// ConvNetJS (npm `convnetjs` 0.3.0) on the bench workloads. Pass the library in (`window.convnetjs` in the page,
// `require('convnetjs')` in Node). ConvNetJS trains one sample at a time: forward, backward (gradients accumulate
// in the layers), and every batch_size samples one update with the summed gradients / batch_size. That per-sample
// loop is the peer's real behaviour and is what is timed.
//
// Quirks of the npm release, worked around as stated:
// - A 'regression' layer_def always inserts a linear fc layer before it, so a tanh (T1) or sigmoid (T2) output
//   cannot be expressed with layer_defs. The nets are assembled from the library's own layer classes instead
//   (FullyConnLayer, TanhLayer, ReluLayer, DropoutLayer, SigmoidLayer, RegressionLayer), with exactly the
//   workload's layers.
// - RegressionLayer.backward returns 2·Σ(o − y)² per sample (its gradient is o − y, i.e. the loss ½·Σ(o − y)²):
//   the reported losses are converted to the workload's definitions (T1: ½ (o − y)², T2: mean (o − y)²).
// - The 0.3.0 Trainer has no 'adam' method (GitHub master has it; npm never got it): method 'adam' silently runs
//   SGD with momentum 0.9. For T2 this file therefore keeps ConvNetJS's forward/backward/accumulate loop and
//   applies a standard Adam step (β 0.9 / 0.999, ε 1e-8, bias-corrected) to net.getParamsAndGrads() once per
//   batch, with the accumulated gradient / batch_size, exactly where the Trainer would apply its own update.
// - DropoutLayer is not inverted: training zeroes with probability drop_prob and does not rescale the kept
//   activations (prediction scales by drop_prob instead). Same cost as inverted dropout; kept as is.
// - T1 uses the library's Trainer (method 'sgd', momentum 0 — its default momentum is 0.9 —, l2_decay 0).

import { autoencoderInputs, batchIndices, HYPER, spiral } from '../lib/protocol.mjs';

function assemble(cnn, layers) {
  const net = new cnn.Net();
  net.layers = layers;
  return net;
}

function spiralNet(cnn) {
  const L = [];
  const add = (Ctor, opt = {}) => {
    const prev = L[L.length - 1];
    const dims = prev ? { in_sx: prev.out_sx, in_sy: prev.out_sy, in_depth: prev.out_depth } : {};
    L.push(new Ctor({ ...dims, ...opt }));
  };
  add(cnn.InputLayer, { out_sx: 1, out_sy: 1, out_depth: 2 });
  add(cnn.FullyConnLayer, { num_neurons: 8 });
  add(cnn.TanhLayer);
  add(cnn.FullyConnLayer, { num_neurons: 8 });
  add(cnn.TanhLayer);
  add(cnn.FullyConnLayer, { num_neurons: 1 });
  add(cnn.TanhLayer);
  add(cnn.RegressionLayer);
  return assemble(cnn, L);
}

function autoencoderNet(cnn, dim, hidden, keep) {
  const L = [];
  const add = (Ctor, opt = {}) => {
    const prev = L[L.length - 1];
    const dims = prev ? { in_sx: prev.out_sx, in_sy: prev.out_sy, in_depth: prev.out_depth } : {};
    L.push(new Ctor({ ...dims, ...opt }));
  };
  add(cnn.InputLayer, { out_sx: 1, out_sy: 1, out_depth: dim });
  add(cnn.FullyConnLayer, { num_neurons: hidden, bias_pref: 0.1 }); // as layer_defs does for relu
  add(cnn.ReluLayer);
  add(cnn.DropoutLayer, { drop_prob: 1 - keep });
  add(cnn.FullyConnLayer, { num_neurons: dim });
  add(cnn.SigmoidLayer);
  add(cnn.RegressionLayer);
  return assemble(cnn, L);
}

/** Adam on ConvNetJS's parameter/gradient lists, applied once per batch like the Trainer's own update. */
class Adam {
  constructor(pglist, { lr, beta1, beta2, eps }) {
    Object.assign(this, { lr, beta1, beta2, eps, t: 0 });
    this.m = pglist.map((pg) => new Float64Array(pg.params.length));
    this.v = pglist.map((pg) => new Float64Array(pg.params.length));
  }

  /** grads hold the sum over the batch; they are zeroed here, as the Trainer does. */
  step(pglist, batchSize) {
    this.t++;
    const { lr, beta1, beta2, eps } = this;
    const c1 = 1 / (1 - beta1 ** this.t);
    const c2 = 1 / (1 - beta2 ** this.t);
    for (let i = 0; i < pglist.length; i++) {
      const p = pglist[i].params;
      const g = pglist[i].grads;
      const m = this.m[i];
      const v = this.v[i];
      for (let j = 0; j < p.length; j++) {
        const gj = g[j] / batchSize;
        m[j] = beta1 * m[j] + (1 - beta1) * gj;
        v[j] = beta2 * v[j] + (1 - beta2) * gj * gj;
        p[j] -= (lr * m[j] * c1) / (Math.sqrt(v[j] * c2) + eps);
        g[j] = 0;
      }
    }
  }
}

/**
 * @param cnn the convnetjs library object
 * @param {'T1'|'T1b'|'T2'} workload
 */
export async function createConvnetPeer(cnn, workload) {
  if (workload === 'T1' || workload === 'T1b') {
    const batch = workload === 'T1' ? 10 : 100;
    const data = spiral();
    const samples = Array.from({ length: data.n }, (_, i) => {
      const v = new cnn.Vol(1, 1, 2, 0);
      v.w[0] = data.x[i];
      v.w[1] = data.y[i];
      return { x: v, y: [data.labels[i]] };
    });
    const batches = batchIndices(data.n, batch).map((idx) => idx.map((i) => samples[i]));
    const net = spiralNet(cnn);
    const trainer = new cnn.Trainer(net, {
      method: 'sgd',
      learning_rate: HYPER.T1.lr,
      momentum: 0,
      l2_decay: 0,
      batch_size: batch,
    });
    let next = 0;
    let last = NaN;
    return {
      name: 'convnetjs',
      api: 'Trainer sgd (momentum 0), per-sample train()',
      batch,
      async steps(n) {
        let total = 0;
        for (let s = 0; s < n; s++) {
          const b = batches[next];
          next = (next + 1) % batches.length;
          let loss = 0;
          for (const { x, y } of b) loss += trainer.train(x, y).cost_loss;
          last = loss / 4 / b.length; // 2·(o − y)² per sample → ½·(o − y)²
          total += last;
        }
        return total / Math.max(n, 1);
      },
      loss: () => last,
      epochSteps: batches.length,
      cursor: () => next,
      dispose() {},
    };
  }
  if (workload === 'T2') {
    const { lr, beta1, beta2, eps, keep, hidden, dim } = HYPER.T2;
    const batch = 64;
    const { data, rows, cols } = autoencoderInputs();
    const samples = Array.from({ length: rows }, (_, i) => {
      const v = new cnn.Vol(1, 1, cols, 0);
      for (let j = 0; j < cols; j++) v.w[j] = data[i * cols + j];
      return v; // the target is its own values: v.w (a Float64Array)
    });
    const batches = batchIndices(rows, batch).map((idx) => idx.map((i) => samples[i]));
    const net = autoencoderNet(cnn, dim, hidden, keep);
    const pglist = net.getParamsAndGrads();
    const adam = new Adam(pglist, { lr, beta1, beta2, eps });
    let next = 0;
    let last = NaN;
    return {
      name: 'convnetjs',
      api: 'Net forward/backward per sample + Adam per batch (0.3.0 Trainer has no adam)',
      batch,
      async steps(n) {
        let total = 0;
        for (let s = 0; s < n; s++) {
          const b = batches[next];
          next = (next + 1) % batches.length;
          let loss = 0;
          for (const x of b) {
            net.forward(x, true);
            loss += net.backward(x.w);
          }
          adam.step(pglist, b.length);
          last = loss / 2 / dim / b.length; // 2·Σ(o − y)² per sample → mean (o − y)²
          total += last;
        }
        return total / Math.max(n, 1);
      },
      loss: () => last,
      epochSteps: batches.length,
      cursor: () => next,
      dispose() {},
    };
  }
  throw new Error(`convnetjs: no ${workload}`);
}
