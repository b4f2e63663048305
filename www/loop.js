// Frame budgeting for the training loop: how many optimizer steps to run per animation frame so that the
// step work stays under a few milliseconds (the page must keep every main-thread task well below 50 ms).

/** Adapts k (steps per frame) from measured step time: aims at `targetMs`, never lets a frame exceed `maxMs` twice. */
export class StepBudget {
  constructor({ targetMs = 6, maxMs = 8, kMax = 200_000 } = {}) {
    this.targetMs = targetMs;
    this.maxMs = maxMs;
    this.kMax = kMax;
    this.k = 1;
    this.lastMs = 0;
  }

  /** Run fn(k), time it, adapt k for the next frame, and return fn's result. */
  run(fn) {
    const k = this.k;
    const t0 = performance.now();
    const result = fn(k);
    this.adapt(k, performance.now() - t0);
    return result;
  }

  adapt(k, ms) {
    this.lastMs = ms;
    if (!(ms > 0.05)) { // below the timer's resolution: double
      this.k = Math.min(this.kMax, k * 2);
      return;
    }
    const ideal = (this.targetMs * k) / ms;
    // Grow at most 2x per frame (timings are noisy); shrink at once when over the hard budget.
    const next = ms > this.maxMs ? ideal : Math.min(ideal, k * 2);
    this.k = Math.max(1, Math.min(this.kMax, Math.floor(next)));
  }

  reset() {
    this.k = 1;
  }
}

/** Steps per second over a sliding window of (time, step) samples. */
export class Rate {
  constructor(windowMs = 1000) {
    this.windowMs = windowMs;
    this.samples = [];
  }

  push(step, now = performance.now()) {
    this.samples.push([now, step]);
    while (this.samples.length > 2 && now - this.samples[0][0] > this.windowMs) this.samples.shift();
  }

  perSecond() {
    if (this.samples.length < 2) return null;
    const [t0, s0] = this.samples[0];
    const [t1, s1] = this.samples[this.samples.length - 1];
    return t1 > t0 ? ((s1 - s0) * 1000) / (t1 - t0) : null;
  }

  clear() {
    this.samples = [];
  }
}
