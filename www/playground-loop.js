// The Playground lab's frame loop: one requestAnimationFrame callback per frame while training, which runs as
// many optimizer steps as the frame budget allows (www/loop.js FrameBudget: the steps get what the frame has
// left after this frame's drawing, predicted from running averages of the data plot and of the rest — loss
// chart, network diagram, stats), refreshes the full-set losses a few times a second, and draws. The diagram is
// redrawn every frame; a data plot that costs more than PLOT_EVERY_FRAME_MS is redrawn every other frame, so its
// cost is spread and the steps keep a useful share. Still pictures (paused, hover, resize, a new run) go through
// redraw(). The lab (www/playground.js) owns the run's state; this file owns only timing and drawing.

import { FrameBudget, Average } from './loop.js';

/** How often the frame loop refreshes the full-set train/test losses while running. */
const STATS_INTERVAL_MS = 200;
/** Heatmap cells per side at full resolution. */
export const FULL_GRID = 100;
/** While training, a data plot dearer than this (ms, running average) is redrawn every other frame. */
const PLOT_EVERY_FRAME_MS = 3;

export class FrameLoop {
  /**
   * @param {object} lab the PlaygroundLab: playground, running, active, hover, diagram, view, ctx,
   *   acceptProgress(raw), acceptStats(raw), fail(e), drawOptions()
   */
  constructor(lab) {
    this.lab = lab;
    this.raf = 0;
    this.drawn = false;
    this.frameNo = 0;
    this.statsAt = 0;
    this.slowDraws = 0;
    this.budget = new FrameBudget();
    this.plotMs = new Average(); // the data plot (drawData / drawUnit), when drawn
    this.restMs = new Average(); // everything else a frame does besides the steps
    this.grid = FULL_GRID; // heatmap cells per side while running, adapted to the drawing cost
    /** Frame timings for tests and tuning (ms): steps per frame k, the steps, the data plot, the diagram, the
     *  loss chart, the whole frame and its worst; the steps' target and the whole-frame work budget. */
    this.perf = { k: 1, stepMs: 0, drawMs: 0, diagramMs: 0, lossMs: 0, frameMs: 0, maxFrameMs: 0,
      stepTargetMs: 0, workMs: 0 };
  }

  /** A new run: forget the timings. */
  reset() {
    this.budget.reset();
    this.plotMs = new Average();
    this.restMs = new Average();
  }

  /** Training paused (the next interval measures nothing). */
  pause() {
    this.budget.pause();
  }

  schedule() {
    if (!this.raf) this.raf = requestAnimationFrame((t) => this.#frame(t));
  }

  /** Draw now if possible (resize, where the canvas was just cleared, and after discrete changes). */
  redraw() {
    const lab = this.lab;
    if (!lab.playground || !lab.active) return;
    try {
      this.#draw();
    } catch (e) {
      lab.fail(e);
    }
  }

  #frame(t) {
    this.raf = 0;
    const lab = this.lab;
    if (!lab.playground || !lab.active) return;
    const t0 = performance.now();
    let stepMs = 0;
    let plotMs = 0;
    const training = lab.running;
    this.frameNo += 1;
    const plot = !training || !this.drawn || this.plotMs.get() <= PLOT_EVERY_FRAME_MS || this.frameNo % 2 === 0;
    try {
      if (training) {
        const p = lab.playground;
        this.budget.begin(t, (plot ? this.plotMs.get() : 0) + this.restMs.get());
        this.perf.k = this.budget.k;
        this.perf.stepTargetMs = this.budget.stepTargetMs;
        this.perf.workMs = this.budget.workMs;
        this.budget.run((k) => lab.acceptProgress(p.advance(k)));
        stepMs = this.budget.lastMs;
        this.perf.stepMs = stepMs;
        // Full-set losses cost a pass over all the data: refresh them a few times per second, not every frame.
        if (t0 - this.statsAt > STATS_INTERVAL_MS || !lab.running) {
          this.statsAt = t0;
          lab.acceptStats(p.stats());
        }
      }
      plotMs = this.#draw(plot || !lab.running); // the last frame of a run shows its final state
    } catch (e) {
      lab.fail(e);
    }
    const frameMs = performance.now() - t0;
    this.perf.frameMs = frameMs;
    this.perf.maxFrameMs = Math.max(this.perf.maxFrameMs, frameMs);
    if (training) {
      if (plot) this.plotMs.push(plotMs);
      this.restMs.push(frameMs - stepMs - plotMs);
    }
    if (lab.running) this.schedule();
  }

  /** Draw the data plot (when `plot`), the loss chart and the diagram; returns the data plot's time (ms). */
  #draw(plot = true) {
    const lab = this.lab;
    const p = lab.playground;
    const running = lab.running;
    let plotMs = 0;
    if (plot) {
      const t0 = performance.now();
      // Paused: one draw, so at full resolution; running: the resolution adapts to the drawing cost.
      const opts = JSON.stringify({ ...lab.drawOptions(), grid: running ? this.grid : FULL_GRID });
      if (lab.hover && typeof p.drawUnit === 'function') {
        p.drawUnit(lab.view.boundary, lab.hover.layer, lab.hover.unit, opts);
      } else {
        p.drawData(lab.view.boundary, opts);
      }
      plotMs = performance.now() - t0;
      this.perf.drawMs = plotMs;
      // The first draw after load pays one-off warm-up costs: it does not count as slow.
      if (running && this.drawn) this.#adaptGrid(plotMs);
    }
    const t1 = performance.now();
    p.drawLoss(lab.view.loss);
    const t2 = performance.now();
    this.perf.lossMs = t2 - t1;
    if (lab.diagram) {
      lab.diagram.draw();
      this.perf.diagramMs = performance.now() - t2;
    }
    if (!this.drawn) {
      this.drawn = true;
      document.body.dataset.ready = '1';
      lab.ctx.onFirstFrame?.();
    }
    return plotMs;
  }

  /** Heatmap resolution: halve it when drawing the data plot costs more than ~16 ms (big networks), restore it
   *  when cheap again, so a frame stays responsive. Powers of two below 100 keep the upscale even. */
  #adaptGrid(ms) {
    this.slowDraws = ms > 16 ? this.slowDraws + 1 : 0; // two in a row: ignore one-off warm-up costs
    if (this.slowDraws >= 2 && this.grid > 25) {
      this.grid = Math.round(this.grid / 2);
      this.slowDraws = 0;
    } else if (ms < 4 && this.grid < FULL_GRID) {
      this.grid = Math.min(FULL_GRID, this.grid * 2);
    }
  }
}
