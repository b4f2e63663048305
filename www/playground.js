// The Playground lab: settings form (from the catalog) -> canonical query (URL hash) -> wasm Playground; the
// run's state, the transport and the stats. The requestAnimationFrame loop that steps it within a whole-frame
// budget and draws the data plot, the loss chart and the network diagram is www/playground-loop.js; the
// diagram is www/diagram.js; edits outside the form (clicks, points, weights, link) are www/playground-edits.js.
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
//   #show-test #discretize #show-legend  display toggles (test points, hard decision regions, colour scale); in
//                                        the URL as `test-points`, `discretize`, `legend` (omitted at defaults)
//   #click-class                         class a click on #boundary-canvas adds (Shift-click: the next class;
//                                        Alt-click removes the nearest point within 0.3; 1-D sets: a click adds (x, y))
//   #add-point-form                      keyboard entry of a point: #add-point-x #add-point-y (class: #click-class)
//                                        and #add-point ("Add point"); range errors in #error-add-point
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
//   #field-rescale (none/scale/random) #field-rescale-value   rescaling of the initial network; #error-rescale
//   #field-bn #field-wnoise              normalization (a shape change: drops edits and frozen weights), weight noise
//   #new-seed                            draws a random seed
//   #field-hidden (ol) with #field-hidden-<i> (width) #field-act-<i> (activation) #remove-layer-<i>; #add-layer
//   #field-drop (ol) with #field-drop-<i> (noise kind; 0 = input) and #field-drop-<i>-value (keep p or σ)
// Test hook: window.saddle = { ready, playground, stepNow(n), query, lab, perf, info, diagram }; body[data-ready="1"]
// after the first draw ("error" if the wasm module failed to load). perf = {k, stepMs, drawMs, diagramMs, lossMs,
// frameMs, maxFrameMs, stepTargetMs, workMs} (www/playground-loop.js); info = the Playground's info() (features,
// layer widths, point counts).
//
// Stopping: when the stop-at condition holds the run pauses and #status says why. Play and Step stay enabled;
// pressing them while stopped trains nothing and shows #stop-notice (the reason and a "Remove the stop and train
// on" button). Changing "Stop at" applies live and un-stops the run.

import { ConfigForm, STATE_NAMES, DISPLAY_KEYS } from './controls.js';
import { asJson, splitQuery, joinQuery, parseStop, decodeHash, diffKeys } from './query.js';
import { Rate } from './loop.js';
import { observeCanvases } from './canvas.js';
import { PlaygroundView } from './playground-view.js';
import { Diagram } from './diagram.js';
import { joinWords, messageOf } from './dom.js';
import { RunEdits } from './playground-edits.js';
import { FrameLoop } from './playground-loop.js';

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
    this.active = true;
    this.hover = null; // {layer, unit} shown in the data plot instead of the prediction (diagram hover/focus)
    this.diagram = null;
    this.loop = new FrameLoop(this);
    this.rate = new Rate();
    this.form = new ConfigForm(this.cat, (key, info) => this.#onFormChange(key, info));
    this.view = new PlaygroundView(this.form.element, {
      play: () => this.play(),
      pause: () => this.pause(),
      step: () => this.stepNow(1),
      reset: () => this.reset(),
      resetDiverged: () => this.reset(true),
      redraw: () => this.#redraw(),
      displayChanged: (key, on) => { this.form.setValue(key, on ? 'true' : 'false'); this.#redraw(); },
      addPoint: (x, y, label) => this.edits.addPoint(x, y, label),
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

  /** Frame timings (www/playground-loop.js), for the test hook and the benchmarks. */
  get perf() {
    return this.loop.perf;
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
    if (query !== this.query && !this.#adopt(query) && !this.playground) {
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
    if (this.#adopt(query, key)) {
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

  /** Move to a valid canonical query: live keys only (rates, penalty, stop-at, display) apply to the running
   *  Playground, anything else builds a new one. Returns false (and shows why) when that fails. */
  #adopt(query, key) {
    const changed = diffKeys(this.query || '', query);
    const live = this.form.liveKeys();
    return this.playground && changed.every((k) => live.has(k)) ? this.#setLive(query, key) : this.#rebuild(query);
  }

  #setLive(query, key) {
    try {
      this.playground.setLive(query);
      this.query = query;
      this.#readStats(); // a new stop-at condition may un-stop the run
      this.#syncDisplay();
      this.#redraw();
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
    this.loop.reset();
    this.rate.clear();
    this.view.hideDiverged();
    this.#syncDisplay();
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

  /** The display toggles follow the query (`test-points`, `discretize`, `legend`; missing = the default). */
  #syncDisplay() {
    const m = splitQuery(this.query || '');
    const shown = {};
    for (const key of DISPLAY_KEYS) shown[key] = (m.get(key) ?? this.form.defaultValue(key)) === 'true';
    this.view.setDisplay(shown);
  }

  /** Options of drawData / drawUnit from the display toggles. */
  drawOptions() {
    const v = this.view;
    return { showTest: v.showTest.checked, discretize: v.discretize.checked, legend: v.showLegend.checked };
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
    this.loop.schedule();
  }

  pause() {
    const wasRunning = this.running;
    this.running = false;
    this.loop.pause();
    this.#syncButtons();
    if (wasRunning) this.#redraw(); // the still picture gets the full heatmap resolution
  }

  /** Run n steps now (the Step button and the test hook); returns the stats object. */
  stepNow(n = 1) {
    if (!this.playground) return null;
    if (this.stats?.stopped) this.#explainStop();
    try {
      this.acceptStats(this.playground.step(Math.max(1, Math.floor(n))));
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

  // ---- stats (the frame loop feeds them) ---------------------------------------------------------------------

  /** Light per-frame result of advance(): step, epoch, divergence and stop; keeps the last full-set losses. */
  acceptProgress(raw) {
    const progress = asJson(raw);
    if (!progress) return;
    this.rate.push(progress.step);
    if (progress.diverged || progress.stopped) {
      this.acceptStats(this.playground.stats());
      return;
    }
    this.stats = { ...(this.stats ?? {}), step: progress.step, epoch: progress.epoch, diverged: null, stopped: false };
    this.#updateMetrics();
  }

  /** Full stats JSON from step() / stats(): metrics, divergence and stop. */
  acceptStats(raw) {
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

  /** Draw now (resize, hover, a discrete change). */
  #redraw() {
    this.loop.redraw();
  }

  /** Pause and report an unexpected error in the banner. */
  fail(e) {
    this.running = false;
    this.#syncButtons();
    this.ctx.banner.show('Something went wrong while training or drawing; the run is paused:', [messageOf(e)]);
  }
}
