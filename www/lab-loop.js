// The frame loop the Race and Optimizers labs share: Play/Pause and the play button's state, a step budget per
// animation frame (so no main-thread task goes over 50 ms), steps/s, and per-frame timings for tests and benches.

import { Rate, StepBudget } from './loop.js';

export class LabLoop {
  /**
   * @param {object} o
   * @param {HTMLButtonElement} o.button the Play/Pause button (its text and aria-pressed follow the state)
   * @param {{targetMs: number, maxMs: number}} o.budget wasm time per frame
   * @param {(k: number) => object} o.advance runs k steps, returns the advance report (with `step`)
   * @param {(adv: object, now: number) => void} o.draw draws after one frame's steps
   * @param {(adv: object) => boolean} o.finished true when the run cannot go on (the loop pauses)
   * @param {{everyMs: number, show: () => void}} o.stats the lab's numbers: shown by `refreshStats()`, and while
   *   running after a frame's drawing at most once per `everyMs`
   * @param {() => void} [o.onPause] after pausing (e.g. redraw at full quality)
   * @param {(e: unknown) => void} o.onError a frame threw: the loop has paused; tell the user
   */
  constructor({ button, budget, advance, draw, finished, stats, onPause, onError }) {
    this.button = button;
    this.hooks = { advance, draw, finished, onPause, onError };
    this.stats = stats;
    this.lastStats = 0;
    this.budget = new StepBudget(budget);
    this.rate = new Rate();
    this.perf = { k: 1, stepMs: 0, drawMs: 0, frameMs: 0, maxFrameMs: 0, stepsPerSec: null };
    this.running = false;
    this.raf = 0;
  }

  play() {
    if (this.running) return;
    this.running = true;
    this.button.textContent = 'Pause';
    this.button.setAttribute('aria-pressed', 'true');
    this.raf = requestAnimationFrame((t) => this.#frame(t));
  }

  pause() {
    this.running = false;
    cancelAnimationFrame(this.raf);
    this.button.textContent = 'Play';
    this.button.setAttribute('aria-pressed', 'false');
    this.hooks.onPause?.();
  }

  /** Show the step counter in `stepEl` and, while running, the measured steps/s in `rateEl`. */
  showProgress(step, stepEl, rateEl) {
    stepEl.textContent = step.toLocaleString('en-US');
    const rate = this.rate.perSecond();
    this.perf.stepsPerSec = rate;
    rateEl.textContent = this.running && rate ? Math.round(rate).toLocaleString('en-US') : '—';
  }

  /** Show the lab's numbers now (and restart the interval of the running refreshes). */
  refreshStats(now = performance.now()) {
    this.lastStats = now;
    this.stats.show();
  }

  /** A new run: forget the budget's calibration, the rate and the worst frame. */
  reset() {
    this.budget.reset();
    this.rate.clear();
    this.perf.maxFrameMs = 0;
  }

  #frame(now) {
    if (!this.running) return;
    const t0 = performance.now();
    try {
      const adv = this.budget.run((k) => this.hooks.advance(k));
      this.perf.k = this.budget.k;
      this.perf.stepMs = this.budget.lastMs;
      this.rate.push(adv.step, now);
      const t1 = performance.now();
      this.hooks.draw(adv, now);
      if (now - this.lastStats > this.stats.everyMs) this.refreshStats(now);
      this.perf.drawMs = performance.now() - t1;
      if (this.hooks.finished(adv)) this.pause();
    } catch (e) {
      this.pause();
      this.hooks.onError(e);
      return;
    }
    this.perf.frameMs = performance.now() - t0;
    this.perf.maxFrameMs = Math.max(this.perf.maxFrameMs, this.perf.frameMs);
    if (this.running) this.raf = requestAnimationFrame((t) => this.#frame(t));
  }
}
