// Frame budgeting for the training loop: how many optimizer steps to run per animation frame so that the whole
// frame (steps + data plot + loss chart + network diagram) fits the display's frame interval (the page must keep
// every main-thread task well below 50 ms, and aims at the refresh rate while training).

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

/**
 * Whole-frame budget: each frame's steps get what is left of a work budget once the frame's drawing is paid
 * for (the caller predicts this frame's drawing: data plot, loss chart, diagram). The work budget starts at 70 %
 * of the display's frame interval (the browser needs the rest to composite the canvases) and adapts to what the
 * machine delivers: when more than two of the last 20 frames came late (an animation-frame interval over 1.5
 * display intervals), it shrinks by 1 ms; after 20 punctual frames it grows back by 0.25 ms every 10 frames; it
 * stays between 50 % and 70 % of the interval. The steps always get at least `minStepMs`, so training never
 * stalls behind an expensive plot.
 */
export class FrameBudget {
  constructor({ share = 0.7, minShare = 0.5, minStepMs = 2, maxStepMs = 10, window = 20 } = {}) {
    this.share = share;
    this.minShare = minShare;
    this.minStepMs = minStepMs;
    this.maxStepMs = maxStepMs;
    this.window = window;
    this.steps = new StepBudget({ targetMs: 6, maxMs: 8 });
    this.reset();
  }

  /** Forget the measurements (a new run). */
  reset() {
    this.steps.reset();
    this.periodMs = 1000 / 60;
    this.intervals = [];
    this.late = [];
    this.lastT = null;
    this.workMs = this.share * this.periodMs;
    this.calm = 0;
  }

  /** Training paused: the next frame's interval says nothing about this frame's work. */
  pause() {
    this.lastT = null;
  }

  /** Start of an animation frame at time `t` (the requestAnimationFrame timestamp) that expects to spend
   *  `drawMs` besides the steps: track the interval and set the steps' target for this frame. */
  begin(t, drawMs = 0) {
    if (this.lastT !== null) {
      const dt = t - this.lastT;
      if (dt > 0 && dt < 1000) this.#interval(dt);
    }
    this.lastT = t;
    const target = Math.min(this.maxStepMs, Math.max(this.minStepMs, this.workMs - drawMs));
    this.steps.targetMs = target;
    this.steps.maxMs = target * 1.3;
  }

  /** Run `fn(k)` within this frame's step budget (see StepBudget.run). */
  run(fn) {
    return this.steps.run(fn);
  }

  /** Steps per frame now. */
  get k() {
    return this.steps.k;
  }

  /** The last steps' duration (ms). */
  get lastMs() {
    return this.steps.lastMs;
  }

  /** The steps' target this frame (ms). */
  get stepTargetMs() {
    return this.steps.targetMs;
  }

  #interval(dt) {
    // The display's interval: a low quantile of the recent ones (a late frame is a multiple of it), 30–240 Hz.
    this.intervals.push(dt);
    if (this.intervals.length > 60) this.intervals.shift();
    const sorted = [...this.intervals].sort((a, b) => a - b);
    this.periodMs = Math.min(1000 / 30, Math.max(1000 / 240, sorted[Math.floor(sorted.length * 0.1)]));
    const floor = this.minShare * this.periodMs;
    const ceiling = this.share * this.periodMs;
    const late = dt > 1.5 * this.periodMs;
    this.late.push(late ? 1 : 0);
    if (this.late.length > this.window) this.late.shift();
    this.calm = late ? 0 : this.calm + 1;
    if (this.late.reduce((a, b) => a + b, 0) > 2) {
      // Several late frames lately: less work per frame (then judge afresh).
      this.workMs -= 1;
      this.late = [];
    } else if (this.calm >= this.window) {
      // A run of punctual frames: try a little more.
      this.workMs += 0.25;
      this.calm = this.window - 10;
    }
    this.workMs = Math.min(ceiling, Math.max(floor, this.workMs));
  }
}

/** A running average that starts at its first sample (null before). */
export class Average {
  constructor(weight = 0.25) {
    this.weight = weight;
    this.value = null;
  }

  push(x) {
    if (!Number.isFinite(x)) return;
    this.value = this.value === null ? x : (1 - this.weight) * this.value + this.weight * x;
  }

  get(fallback = 0) {
    return this.value ?? fallback;
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
