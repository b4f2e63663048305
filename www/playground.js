// The Playground lab: settings form (from the catalog) -> canonical query (URL hash) -> wasm Playground, and a
// requestAnimationFrame loop that steps it within a frame budget and draws the data and loss plots.
//
// Stable element ids (for the e2e tests):
//   #play #pause #step #reset            transport buttons (Space toggles play when focus is not in a control)
//   #status                              "Paused" / "Running" / "Diverged" (aria-live)
//   #boundary-canvas #loss-canvas        the two plots (drawn by Rust); #show-test toggles test points
//   #metrics                             stats panel; values in #metric-step #metric-epoch #metric-train-loss
//                                        #metric-test-loss #metric-train-acc #metric-test-acc #metric-speed
//   #diverged #diverged-message #diverged-reset   divergence notice (role=alert) and its Reset button
//   #error-banner                        global banner (index.html): bad hash, failed rebuild, loop errors
//   #controls                            the settings form; groups #group-data #group-network #group-dropout
//                                        #group-regularization #group-optimizer
//   #field-<key>                         scalar inputs: #field-seed #field-dataset #field-n #field-noise #field-test
//                                        #field-init #field-head #field-dscale #field-reg #field-lambda #field-opt
//                                        #field-batch and the optimizer's #field-lr #field-momentum #field-beta1 ...
//   #error-<key>                         inline error next to each field (aria-live), e.g. #error-n, #error-lr
//   #new-seed                            draws a random seed
//   #field-hidden (ol) with #field-hidden-<i> (width) #field-act-<i> (activation) #remove-layer-<i>; #add-layer
//   #field-drop (ol) with #field-drop-<i> (noise kind; 0 = input) and #field-drop-<i>-value (keep p or σ)
// Test hook: window.saddle = { ready, playground, stepNow(n), query, lab, perf }; body[data-ready="1"] after the
// first draw ("error" if the wasm module failed to load). perf = {k, stepMs, drawMs, frameMs, maxFrameMs}.

import { ConfigForm } from './controls.js';
import { asJson, splitQuery } from './query.js';
import { StepBudget, Rate } from './loop.js';
import { observeCanvases } from './canvas.js';
import { PlaygroundView } from './playground-view.js';

/** How often the frame loop refreshes the full-set train/test losses while running. */
const STATS_INTERVAL_MS = 200;
/** Heatmap cells per side at full resolution. */
const FULL_GRID = 100;

export async function mount(panel, ctx) {
  const lab = new PlaygroundLab(panel, ctx);
  lab.start();
  return lab;
}

class PlaygroundLab {
  constructor(panel, ctx) {
    this.panel = panel;
    this.ctx = ctx; // { wasm: {parseQuery, Playground}, catalog, banner, onFirstFrame }
    this.cat = ctx.catalog;
    this.playground = null; // the wasm Playground handle
    this.query = null; // canonical query of the running Playground
    this.running = false;
    this.stats = null;
    this.raf = 0;
    this.drawn = false;
    this.active = true;
    this.budget = new StepBudget();
    this.grid = FULL_GRID; // heatmap cells per side, adapted to the drawing cost
    /** Frame timings for tests and tuning (ms): steps per frame k, step, data drawing, whole frame, worst frame. */
    this.perf = { k: 1, stepMs: 0, drawMs: 0, frameMs: 0, maxFrameMs: 0 };
    this.rate = new Rate();
    this.form = new ConfigForm(this.cat, (key) => this.#onFormChange(key));
    this.view = new PlaygroundView(this.form.element, {
      play: () => this.play(),
      pause: () => this.pause(),
      step: () => this.stepNow(1),
      reset: () => this.reset(),
      resetDiverged: () => this.reset(true),
      redraw: () => this.#redraw(),
    });
    this.panel.append(this.view.element);
    this.#syncButtons();
  }

  // ---- lifecycle ---------------------------------------------------------------------------------------------

  start() {
    this.stopObserving = observeCanvases([this.view.boundary, this.view.loss], () => this.#redraw());
    this.onHash = () => this.applyHash();
    window.addEventListener('hashchange', this.onHash);
    this.onKey = (e) => this.#onKey(e);
    document.addEventListener('keydown', this.onKey);
    this.applyHash();
  }

  activate() {
    this.active = true;
    this.#redraw();
  }

  deactivate() {
    this.active = false;
    this.pause();
  }

  /** Read location.hash (or the default query), show what was invalid, and rebuild when it differs. */
  applyHash() {
    const raw = location.hash.replace(/^#/, ''); // the core percent-decodes each key and value itself
    if (this.query !== null && decodeHash(raw) === this.query) return;
    const { query, errors } = asJson(this.ctx.wasm.parseQuery(raw || this.cat.defaultQuery));
    this.form.setQuery(query);
    this.form.clearErrors();
    if (errors.length) {
      this.form.showErrors(errors);
      this.ctx.banner.show('Some settings in the address were invalid; defaults are used instead (unknown keys are ignored):',
        errors.map((e) => e.message));
    } else {
      this.ctx.banner.clear();
    }
    if (query !== this.query && !this.#rebuild(query) && !this.playground) {
      // The core accepted the query but could not build it: start from the defaults so the page still works.
      const fallback = asJson(this.ctx.wasm.parseQuery(this.cat.defaultQuery)).query;
      this.form.setQuery(fallback);
      this.#rebuild(fallback);
    }
    this.#writeHash();
  }

  #writeHash() {
    if (this.query !== null && decodeHash(location.hash) !== this.query) {
      history.replaceState(history.state, '', `${location.pathname}${location.search}#${this.query}`);
    }
  }

  #onFormChange(key) {
    const q = this.form.toQuery();
    const { query, errors } = asJson(this.ctx.wasm.parseQuery(q));
    this.form.clearErrors();
    if (errors.length) {
      const unplaced = this.form.showErrors(errors);
      if (unplaced.length) this.ctx.banner.show('These settings are invalid:', unplaced.map((e) => e.message));
      return; // keep the running Playground and the URL on the last valid settings
    }
    this.ctx.banner.clear();
    if (query === this.query) return;
    const changed = diffKeys(this.query || '', query);
    const live = this.form.liveKeys();
    const ok = this.playground && changed.every((k) => live.has(k)) ? this.#setLive(query, key) : this.#rebuild(query);
    if (ok) {
      this.#writeHash();
      this.form.setQuery(query);
    }
  }

  #setLive(query, key) {
    try {
      this.playground.setLive(query);
      this.query = query;
      return true;
    } catch (e) {
      this.#placeError(messageOf(e), key);
      return false;
    }
  }

  /** Replace the Playground (structural change or reset). Returns false and keeps the old one on failure. */
  #rebuild(query) {
    let next;
    try {
      next = new this.ctx.wasm.Playground(query);
    } catch (e) {
      this.#placeError(messageOf(e));
      return false;
    }
    try { this.playground?.free(); } catch { /* already freed */ }
    this.playground = next;
    this.query = query;
    this.budget.reset();
    this.rate.clear();
    this.view.hideDiverged();
    this.view.setDataset(this.form.dataset());
    this.#readStats();
    this.#redraw();
    return true;
  }

  /** Show "field: message" beside its control when the field is known, else in the banner. */
  #placeError(message, fallbackKey) {
    const m = /^([A-Za-z_][\w-]*)(?:\[\d+\])?:/.exec(message);
    const field = m ? m[1] : fallbackKey;
    const unplaced = field ? this.form.showErrors([{ field, message }]) : [{ message }];
    if (unplaced.length) this.ctx.banner.show('The settings could not be applied:', [message]);
  }

  // ---- transport ---------------------------------------------------------------------------------------------

  play() {
    if (!this.playground || this.stats?.diverged) return;
    this.running = true;
    this.rate.clear();
    this.#syncButtons();
    this.#schedule();
  }

  pause() {
    const wasRunning = this.running;
    this.running = false;
    this.#syncButtons();
    if (wasRunning) this.#redraw(); // the still picture gets the full heatmap resolution
  }

  /** Run n steps now (the Step button and the test hook); returns the stats object. */
  stepNow(n = 1) {
    if (!this.playground) return null;
    try {
      this.#acceptStats(this.playground.step(Math.max(1, Math.floor(n))));
      this.#redraw();
    } catch (e) {
      this.#fail(e);
    }
    return this.stats;
  }

  reset(focusPlay = false) {
    this.pause();
    if (this.query) this.#rebuild(this.query);
    if (focusPlay) this.view.playBtn.focus();
  }

  #syncButtons() {
    this.view.setTransport({ running: this.running, diverged: Boolean(this.stats?.diverged), ready: Boolean(this.playground) });
  }

  #updateMetrics() {
    this.view.setMetrics(this.stats, {
      classify: this.form.dataset()?.task !== 'regression',
      stepsPerSecond: this.running ? this.rate.perSecond() : null,
    });
  }

  #onKey(e) {
    if (!this.active || e.defaultPrevented || e.repeat || e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.code !== 'Space' && e.key !== ' ') return;
    const t = e.target;
    if (t instanceof Element && t.closest('input, select, textarea, button, a[href], summary, [contenteditable], [role="tab"]')) return;
    e.preventDefault();
    if (this.running) this.pause(); else this.play();
  }

  // ---- frame loop --------------------------------------------------------------------------------------------

  #schedule() {
    if (!this.raf) this.raf = requestAnimationFrame(() => this.#frame());
  }

  #frame() {
    this.raf = 0;
    if (!this.playground || !this.active) return;
    const t0 = performance.now();
    try {
      if (this.running) {
        const p = this.playground;
        this.perf.k = this.budget.k;
        this.budget.run((k) => this.#acceptProgress(p.advance(k)));
        this.perf.stepMs = this.budget.lastMs;
        // Full-set losses cost a pass over all the data: refresh them a few times per second, not every frame.
        if (t0 - (this.statsAt || 0) > STATS_INTERVAL_MS || !this.running) {
          this.statsAt = t0;
          this.#acceptStats(p.stats());
        }
      }
      this.#draw();
    } catch (e) {
      this.#fail(e);
    }
    this.perf.frameMs = performance.now() - t0;
    this.perf.maxFrameMs = Math.max(this.perf.maxFrameMs, this.perf.frameMs);
    if (this.running) this.#schedule();
  }

  /** Light per-frame result of advance(): step, epoch and divergence; keeps the last full-set losses. */
  #acceptProgress(raw) {
    const progress = asJson(raw);
    if (!progress) return;
    this.rate.push(progress.step);
    if (progress.diverged) {
      this.#acceptStats(this.playground.stats());
      return;
    }
    this.stats = { ...(this.stats ?? {}), step: progress.step, epoch: progress.epoch, diverged: null };
    this.#updateMetrics();
  }

  #acceptStats(raw) {
    this.stats = asJson(raw);
    if (this.stats) this.rate.push(this.stats.step);
    if (this.stats?.diverged) {
      this.running = false;
      this.view.showDiverged(this.stats.diverged);
      this.#syncButtons();
    }
    this.#updateMetrics();
  }

  #readStats() {
    try {
      this.stats = asJson(this.playground.stats());
    } catch (e) {
      this.stats = null;
      this.#fail(e);
    }
    this.#syncButtons();
    this.#updateMetrics();
  }

  /** Draw now if possible (used on resize, where the canvas was just cleared, and after discrete changes). */
  #redraw() {
    if (!this.playground || !this.active) return;
    try {
      this.#draw(true);
    } catch (e) {
      this.#fail(e);
    }
  }

  /** Draw both plots. While running, an expensive data plot (> 8 ms) is redrawn every other frame only. */
  #draw(force = false) {
    const p = this.playground;
    this.frameNo = (this.frameNo || 0) + 1;
    if (force || !this.running || !this.drawn || this.perf.drawMs <= 8 || this.frameNo % 2 === 0) {
      const t0 = performance.now();
      // Paused: one draw, so at full resolution; running: the resolution adapts to the drawing cost.
      const grid = this.running ? this.grid : FULL_GRID;
      p.drawData(this.view.boundary, JSON.stringify({ showTest: this.view.showTest.checked, grid }));
      this.perf.drawMs = performance.now() - t0;
      // The first draw after load pays one-off warm-up costs: it does not count as slow.
      if (this.running && this.drawn) this.#adaptGrid(this.perf.drawMs);
    }
    p.drawLoss(this.view.loss);
    if (!this.drawn) {
      this.drawn = true;
      document.body.dataset.ready = '1';
      this.ctx.onFirstFrame?.();
    }
  }

  /** Heatmap resolution: halve it when drawing the data plot costs more than ~16 ms (big networks), restore it
   *  when cheap again, so a frame stays responsive. Powers of two below 100 keep the upscale even. */
  #adaptGrid(ms) {
    this.slowDraws = ms > 16 ? (this.slowDraws || 0) + 1 : 0; // two in a row: ignore one-off warm-up costs
    if (this.slowDraws >= 2 && this.grid > 25) {
      this.grid = Math.round(this.grid / 2);
      this.slowDraws = 0;
    } else if (ms < 4 && this.grid < FULL_GRID) {
      this.grid = Math.min(FULL_GRID, this.grid * 2);
    }
  }

  #fail(e) {
    this.running = false;
    this.#syncButtons();
    this.ctx.banner.show('Something went wrong while training or drawing; the run is paused:', [messageOf(e)]);
  }

}

/** location.hash without '#', percent-decoded where that is safe. */
function decodeHash(hash) {
  const raw = String(hash || '').replace(/^#/, '');
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** Keys whose values differ between two queries. */
function diffKeys(a, b) {
  const ma = splitQuery(a);
  const mb = splitQuery(b);
  const keys = new Set([...ma.keys(), ...mb.keys()]);
  return [...keys].filter((k) => ma.get(k) !== mb.get(k));
}

function messageOf(e) {
  if (e instanceof Error) return e.message;
  if (typeof e === 'string') return e;
  try {
    return JSON.stringify(e);
  } catch {
    return String(e);
  }
}
