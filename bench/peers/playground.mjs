// A plain JavaScript MLP in the object-per-neuron style of TensorFlow Playground's engine, standing for that
// engine in the bench (T1 / T1b only). Written here from a description of that style, not copied: every neuron is
// a Neuron object holding its input Links; a sample is propagated forward neuron by neuron, its error derivative
// back neuron by neuron, and the derivatives are accumulated on the neurons and links; after a minibatch, the
// weights and biases take one SGD step with the averaged derivatives. Error ½ (o − y)², so the minibatch loss is
// ½·mean (o − y)², as T1 defines it.

import { batchIndices, HYPER, mulberry32, spiral, uniform } from '../lib/protocol.mjs';

const TANH = { f: (x) => Math.tanh(x), df: (_x, out) => 1 - out * out };
const LINEAR = { f: (x) => x, df: () => 1 };

class Neuron {
  constructor(activation) {
    this.activation = activation;
    this.inputs = []; // Links feeding this neuron
    this.outputs = []; // Links leaving it
    this.bias = 0.1;
    this.total = 0;
    this.out = 0;
    this.outDer = 0; // d error / d output
    this.inDer = 0; // d error / d total input
    this.accInDer = 0; // accumulated over the minibatch (the bias derivative)
    this.accCount = 0;
  }

  forward() {
    let s = this.bias;
    for (const link of this.inputs) s += link.weight * link.from.out;
    this.total = s;
    this.out = this.activation.f(s);
    return this.out;
  }
}

class Link {
  constructor(from, to, weight) {
    this.from = from;
    this.to = to;
    this.weight = weight;
    this.der = 0;
    this.accDer = 0;
    this.accCount = 0;
  }
}

/** Layers of Neurons, fully connected; weights uniform in [−0.5, 0.5) from a seeded generator, biases 0.1. */
export function buildNetwork(shape, hiddenActivation, outputActivation, seed = 1) {
  const r = mulberry32(seed);
  const layers = [];
  for (let l = 0; l < shape.length; l++) {
    const act = l === 0 ? LINEAR : l === shape.length - 1 ? outputActivation : hiddenActivation;
    const layer = [];
    for (let i = 0; i < shape[l]; i++) {
      const n = new Neuron(act);
      if (l > 0) {
        for (const prev of layers[l - 1]) {
          const link = new Link(prev, n, uniform(r) - 0.5);
          n.inputs.push(link);
          prev.outputs.push(link);
        }
      }
      layer.push(n);
    }
    layers.push(layer);
  }
  return layers;
}

/** Sets the input neurons' outputs and propagates forward; returns the first output neuron's output. */
export function forward(net, inputs) {
  const first = net[0];
  for (let i = 0; i < first.length; i++) first[i].out = inputs[i];
  for (let l = 1; l < net.length; l++) for (const n of net[l]) n.forward();
  return net[net.length - 1][0].out;
}

/** Back-propagates d(½ (o − target)²) through the network, accumulating the derivatives. */
export function backward(net, target) {
  const outNeuron = net[net.length - 1][0];
  outNeuron.outDer = outNeuron.out - target;
  for (let l = net.length - 1; l >= 1; l--) {
    const layer = net[l];
    for (const n of layer) {
      n.inDer = n.outDer * n.activation.df(n.total, n.out);
      n.accInDer += n.inDer;
      n.accCount++;
      for (const link of n.inputs) {
        link.der = n.inDer * link.from.out;
        link.accDer += link.der;
        link.accCount++;
      }
    }
    if (l === 1) break;
    for (const prev of net[l - 1]) {
      let d = 0;
      for (const link of prev.outputs) d += link.weight * link.to.inDer;
      prev.outDer = d;
    }
  }
}

/** One SGD step with the derivatives averaged over what was accumulated; resets the accumulators. */
export function update(net, lr) {
  for (let l = 1; l < net.length; l++) {
    for (const n of net[l]) {
      if (n.accCount > 0) {
        n.bias -= (lr * n.accInDer) / n.accCount;
        n.accInDer = 0;
        n.accCount = 0;
      }
      for (const link of n.inputs) {
        if (link.accCount > 0) {
          link.weight -= (lr * link.accDer) / link.accCount;
          link.accDer = 0;
          link.accCount = 0;
        }
      }
    }
  }
}

/**
 * T1 / T1b on the Playground-style engine.
 * @returns {{name: string, api: string, batch: number, steps: (n: number) => Promise<number>, loss: () => number,
 *   dispose: () => void}}
 */
export async function createPlaygroundPeer(workload) {
  if (workload !== 'T1' && workload !== 'T1b') throw new Error(`playground-js: no ${workload} (T1 / T1b only)`);
  const batch = workload === 'T1' ? 10 : 100;
  const data = spiral();
  const points = Array.from({ length: data.n }, (_, i) => ({ input: [data.x[i], data.y[i]], label: data.labels[i] }));
  const batches = batchIndices(data.n, batch).map((idx) => idx.map((i) => points[i]));
  const net = buildNetwork([2, 8, 8, 1], TANH, TANH, 1);
  const { lr } = HYPER.T1;
  let next = 0;
  let last = NaN;
  return {
    name: 'playground-js',
    api: 'Neuron/Link objects, per-sample forward/backprop, update per batch',
    batch,
    async steps(n) {
      let total = 0;
      for (let s = 0; s < n; s++) {
        const b = batches[next];
        next = (next + 1) % batches.length;
        let err = 0;
        for (const p of b) {
          const o = forward(net, p.input);
          err += 0.5 * (o - p.label) * (o - p.label);
          backward(net, p.label);
        }
        update(net, lr);
        last = err / b.length;
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
