// The Playground lab: settings form (from the catalog) -> canonical query (URL hash) -> wasm Playground, and a
// requestAnimationFrame loop that steps it within a frame budget and draws the data plot, the loss chart and the
// network diagram (www/diagram.js).
//
// Stable element ids (for the e2e tests):
//   #play #pause #step #reset            transport buttons (Space toggles play when focus is not in a control)
//   #status                              "Paused" / "Running" / "Diverged" / "Stopped (epoch N reached)" /
//                                        "Stopped (train loss ≤ L)" (aria-live)
//   #copy-link                           copies location.href; #copy-link-field shows it selected when the clipboard
//                                        is not available
//   #notice                              transient messages (what an edit dropped, link copied, …; role=status)
//   #stop-notice #stop-message #stop-remove   shown when Play/Step is pressed while stopped: why, and a button
//                                        that sets "Stop at" to never and trains on
//   #boundary-canvas #loss-canvas        the two plots (drawn by Rust)
//   #show-test #discretize #show-legend  display toggles (test points, hard decision regions, colour scale)
//   #click-class                         class a click on #boundary-canvas adds (Shift-click: the next class;
//                                        Alt-click removes the nearest point within 0.3; 1-D sets: a click adds (x, y))
//   #clear-points #point-counts #error-click   drop clicked/removed points; "N train + M test points"; click errors
//   #network-panel #diagram              the network panel and the diagram's container (www/diagram.js owns its
//                                        inside: #diagram-canvas, #unit-<l>-<u>, #weight-editor, …)
//   #freeze-weights #clear-edits #weights-status   weights into the link (`weights=`, drops `edits`); drop both
//   #metrics                             beside the loss chart; values in #metric-epoch (prominent) #metric-step
//                                        #metric-train-loss #metric-test-loss #metric-train-acc #metric-test-acc
//                                        #metric-speed
//   #diverged #diverged-message #diverged-reset   divergence notice (role=alert) and its Reset button
//   #error-banner                        global banner (index.html): bad hash, failed rebuild, loop errors
//   #controls                            the settings form; groups #group-data #group-features #group-network
//                                        #group-dropout #group-regularization #group-optimizer #group-training
//   #field-<key>                         scalar inputs: #field-seed #field-dataset #field-n #field-noise #field-test
//                                        #field-init #field-head #field-dscale #field-reg #field-lr …
//   #error-<key>                         inline error next to each field (aria-live), e.g. #error-n, #error-stop
//   #feat-<key>                          input-feature checkboxes (#feat-x1 #feat-x1sq …; 1-D sets: x1-based only)
//                                        inside #field-feat, count in #feat-count, errors in #error-feat
//   #field-stop (none/epochs/loss) #field-stop-value   stop-at; errors in #error-stop
//   #new-seed                            draws a random seed
//   #field-hidden (ol) with #field-hidden-<i> (width) #field-act-<i> (activation) #remove-layer-<i>; #add-layer
//   #field-drop (ol) with #field-drop-<i> (noise kind; 0 = input) and #field-drop-<i>-value (keep p or σ)
// Test hook: window.saddle = { ready, playground, stepNow(n), query, lab, perf, info, diagram }; body[data-ready="1"]
// after the first draw ("error" if the wasm module failed to load). perf = {k, stepMs, drawMs, diagramMs, frameMs,
// maxFrameMs}; info = the Playground's info() (features, layer widths, point counts).
//
// Stopping: when the stop-at condition holds the run pauses and #status says why. Play and Step stay enabled;
// pressing them while stopped trains nothing and shows #stop-notice (the reason and a "Remove the stop and train
// on" button). Changing "Stop at" applies live and un-stops the run.

import { ConfigForm, STATE_NAMES } from './controls.js';
import { asJson, splitQuery, joinQuery, parseStop } from './query.js';
import { StepBudget, Rate } from './loop.js';
import { observeCanvases } from './canvas.js';
import { PlaygroundView } from './playground-view.js';
import { Diagram } from './diagram.js';
import { RunEdits } from './playground-edits.js';

/** How often the frame loop refreshes the full-set train/test losses while running. */
const STATS_INTERVAL_MS = 200;
/** Heatmap cells per side at full resolution. */
const FULL_GRID = 100;

export async function mount(panel, ctx) {
  const lab = new PlaygroundLab(panel, ctx);
  lab.mountDiagram();
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
    this.info = null;
    this.raf = 0;
    this.drawn = false;
    this.active = true;
    this.hover = null; // {layer, unit} shown in the data plot instead of the prediction (diagram hover/focus)
    this.diagram = null;
    this.budget = new StepBudget();
    this.grid = FULL_GRID; // heatmap cells per side, adapted to the drawing cost
    /** Frame timings for tests and tuning (ms): steps per frame k, step, data drawing, diagram, whole frame, worst. */
    this.perf = { k: 1, stepMs: 0, drawMs: 0, diagramMs: 0, frameMs: 0, maxFrameMs: 0 };
    this.rate = new Rate();
    this.form = new ConfigForm(this.cat, (key, info) => this.#onFormChange(key, info));
    this.view = new PlaygroundView(this.form.element, {
      play: () => this.play(),
      pause: () => this.pause(),
      step: () => this.stepNow(1),
      reset: () => this.reset(),
      resetDiverged: () => this.reset(true),
      redraw: () => this.#redraw(),
      clearPoints: () => this.edits.dropKeys(['pts', 'del'], 'Clicked points cleared and removed points restored; the run restarts.'),
      clearEdits: () => this.edits.dropKeys(['edits', 'weights'], 'Weight edits cleared; the run restarts from the seeded initial weights.'),
      freezeWeights: () => this.edits.freezeWeights(),
      copyLink: () => this.edits.copyLink(),
      removeStop: () => this.#removeStop(),
    });
    this.edits = new RunEdits(this);
    this.panel.append(this.view.element);
    this.view.boundary.addEventListener('click', (e) => this.edits.onPlotClick(e));
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

  /** Mount the network diagram (www/diagram.js) into the network panel; every rebuild attaches it to the new
   *  Playground. A diagram that fails to start leaves a note in the panel and the rest of the lab working. */
  mountDiagram() {
    try {
      this.diagram = this.#newDiagram();
    } catch (e) {
      this.diagram = null;
      this.view.diagramHost.textContent = `The network diagram could not start: ${messageOf(e)}`;
    }
  }

  #newDiagram() {
    return new Diagram(this.view.diagramHost, {
      onHoverUnit: (layer, unit) => {
        this.hover = unit === null || unit === undefined ? null : { layer, unit };
        this.#redraw();
      },
      onWeightEdited: (query) => this.adoptEditedQuery(query),
      onLayersChanged: (spec) => this.form.setLayers(spec),
    });
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
      this.view.linkField.hidden = true; // a link shown for copying is stale now
    }
  }

  #onFormChange(key, { dropped = [] } = {}) {
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
      const what = dropped.filter((k) => k !== 'feat').map((k) => STATE_NAMES[k] || k);
      if (dropped.includes('feat')) what.push('the input features this data set cannot use');
      if (what.length) {
        const why = key === 'dataset' ? 'New data set' : 'The network changed shape';
        this.view.showNotice(`${why}: dropped the ${joinWords(what)}${key === 'dataset' ? '' : ' (they would not fit)'}.`);
      }
    }
  }

  #setLive(query, key) {
    try {
      this.playground.setLive(query);
      this.query = query;
      this.#readStats(); // a new stop-at condition may un-stop the run
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
    this.hover = null;
    this.budget.reset();
    this.rate.clear();
    this.view.hideDiverged();
    this.view.setDataset(this.form.dataset());
    this.#readInfo();
    this.#readStats();
    try {
      this.diagram?.attach(next);
    } catch (e) {
      this.fail(e);
    }
    this.#redraw();
    return true;
  }

  /** Adopt a query the Playground produced (a click, Freeze, Clear): canonicalise, rebuild, keep Play going. */
  applyQuery(query, notice) {
    const { query: canonical, errors } = asJson(this.ctx.wasm.parseQuery(query));
    if (errors.length) {
      this.ctx.banner.show('The settings could not be applied:', errors.map((e) => e.message));
      return false;
    }
    const wasRunning = this.running;
    if (!this.#rebuild(canonical)) return false;
    this.form.setQuery(canonical);
    this.#writeHash();
    if (notice) this.view.showNotice(notice);
    if (wasRunning) this.play();
    return true;
  }

  /** Show "field: message" beside its control when the field is known, else in the banner. */
  #placeError(message, fallbackKey) {
    const m = /^([A-Za-z_][\w-]*)(?:\[\d+\])?:/.exec(message);
    const field = m ? m[1] : fallbackKey;
    const unplaced = field ? this.form.showErrors([{ field, message }]) : [{ message }];
    if (unplaced.length) this.ctx.banner.show('The settings could not be applied:', [message]);
  }

  /** The diagram edited a weight: the Playground already holds the edited network; only the hash follows. */
  adoptEditedQuery(query) {
    if (typeof query !== 'string' || !query) return;
    this.query = query;
    this.form.setQuery(query);
    this.#writeHash();
    this.#readInfo();
    this.#readStats();
    this.#redraw();
  }

  #removeStop() {
    this.view.hideStopNotice();
    const m = splitQuery(this.query || '');
    m.set('stop', 'none');
    this.form.setQuery(joinQuery(m));
    this.#onFormChange('stop');
    this.play();
  }

  // ---- transport ---------------------------------------------------------------------------------------------

  play() {
    if (!this.playground || this.stats?.diverged) return;
    if (this.stats?.stopped) {
      this.#explainStop();
      return;
    }
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
    if (this.stats?.stopped) this.#explainStop();
    try {
      this.#acceptStats(this.playground.step(Math.max(1, Math.floor(n))));
      this.#redraw();
    } catch (e) {
      this.fail(e);
    }
    return this.stats;
  }

  reset(focusPlay = false) {
    this.pause();
    if (this.query) this.#rebuild(this.query);
    if (focusPlay) this.view.playBtn.focus();
  }

  /** "epoch 100 reached" / "train loss ≤ 0.05" from the running query's stop value (null: not stopped). */
  #stopReason() {
    if (!this.stats?.stopped) return null;
    const { kind, value } = parseStop(splitQuery(this.query || '').get('stop'));
    if (kind === 'epochs') return `epoch ${value} reached`;
    if (kind === 'loss') return `train loss ≤ ${value}`;
    return 'stop condition reached';
  }

  #explainStop() {
    const reason = this.#stopReason();
    if (!reason) return;
    this.view.showStopNotice(`Training stopped: ${reason}. Play trains on once “Stop at” changes; set it in the Training settings, or remove the stop.`);
  }

  #syncButtons() {
    this.view.setTransport({ running: this.running, diverged: Boolean(this.stats?.diverged), ready: Boolean(this.playground),
      stopped: this.running ? null : this.#stopReason() });
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
      this.fail(e);
    }
    this.perf.frameMs = performance.now() - t0;
    this.perf.maxFrameMs = Math.max(this.perf.maxFrameMs, this.perf.frameMs);
    if (this.running) this.#schedule();
  }

  /** Light per-frame result of advance(): step, epoch, divergence and stop; keeps the last full-set losses. */
  #acceptProgress(raw) {
    const progress = asJson(raw);
    if (!progress) return;
    this.rate.push(progress.step);
    if (progress.diverged || progress.stopped) {
      this.#acceptStats(this.playground.stats());
      return;
    }
    this.stats = { ...(this.stats ?? {}), step: progress.step, epoch: progress.epoch, diverged: null, stopped: false };
    this.#updateMetrics();
  }

  #acceptStats(raw) {
    this.stats = asJson(raw);
    if (this.stats) this.rate.push(this.stats.step);
    if (this.stats?.diverged) {
      this.running = false;
      this.view.showDiverged(this.stats.diverged);
    } else if (this.stats?.stopped) {
      this.running = false;
    }
    this.#syncButtons();
    this.#updateMetrics();
  }

  #readStats() {
    try {
      this.stats = asJson(this.playground.stats());
    } catch (e) {
      this.stats = null;
      this.fail(e);
    }
    this.#syncButtons();
    this.#updateMetrics();
  }

  /** Features, layer widths and point counts of the current Playground (for the captions and the test hook). */
  #readInfo() {
    try {
      this.info = asJson(this.playground.info());
    } catch {
      this.info = null;
    }
    this.view.setCounts(this.info);
    const m = splitQuery(this.query || '');
    const edits = m.get('edits') ? m.get('edits').split(',').filter(Boolean).length : 0;
    this.view.setWeightsState({ edits, frozen: Boolean(m.get('weights')) });
  }

  /** Draw now if possible (used on resize, where the canvas was just cleared, and after discrete changes). */
  #redraw() {
    if (!this.playground || !this.active) return;
    try {
      this.#draw(true);
    } catch (e) {
      this.fail(e);
    }
  }

  /** Draw the plots and the diagram. While running, an expensive data plot (> 8 ms) is redrawn every other frame. */
  #draw(force = false) {
    const p = this.playground;
    this.frameNo = (this.frameNo || 0) + 1;
    if (force || !this.running || !this.drawn || this.perf.drawMs <= 8 || this.frameNo % 2 === 0) {
      const t0 = performance.now();
      // Paused: one draw, so at full resolution; running: the resolution adapts to the drawing cost.
      const grid = this.running ? this.grid : FULL_GRID;
      const opts = JSON.stringify({ showTest: this.view.showTest.checked, grid,
        discretize: this.view.discretize.checked, legend: this.view.showLegend.checked });
      if (this.hover && typeof p.drawUnit === 'function') {
        p.drawUnit(this.view.boundary, this.hover.layer, this.hover.unit, opts);
      } else {
        p.drawData(this.view.boundary, opts);
      }
      this.perf.drawMs = performance.now() - t0;
      // The first draw after load pays one-off warm-up costs: it does not count as slow.
      if (this.running && this.drawn) this.#adaptGrid(this.perf.drawMs);
    }
    p.drawLoss(this.view.loss);
    if (this.diagram) {
      const t1 = performance.now();
      this.diagram.draw();
      this.perf.diagramMs = performance.now() - t1;
    }
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

  /** Pause and report an unexpected error in the banner. */
  fail(e) {
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

/** ["a", "b", "c"] -> "a, b and c". */
function joinWords(words) {
  return words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
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
