// The Race lab: optimizers racing on the same network, initialization and minibatches (mode `race`), and the
// rescaling views (`rescale`: ReLU node rescaling, `bn`: weights before batch norm) where each optimizer trains
// a network and a function-preserving rescaling of it. State lives in the hash as `lab=race&<race query>`
// (app.js routes it); the wasm RaceLab runs the race and draws; this module owns the DOM, the frame loop and
// the step budget (no main-thread task over 50 ms).
//
// Test hooks (on the object mount returns): race (the wasm RaceLab), query, perf, stepNow(n), stats().

import { h, messageOf } from './dom.js';
import { asJson, splitQuery } from './query.js';
import { observeCanvases } from './canvas.js';
import { LabLoop } from './lab-loop.js';
import { RaceForm } from './race-form.js';

/** Legend / stats refresh while running (ms): the full-set losses cost a forward pass per network. */
const STATS_INTERVAL_MS = 250;
/** Thumbnail heatmap cells per side: running, and paused. */
const THUMB_GRID_RUNNING = 32;
const THUMB_GRID_PAUSED = 64;

export async function mount(panel, ctx) {
  const lab = new RaceLabUI(panel, ctx);
  lab.start();
  return lab;
}

function fmt(v, digits = 4) {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(2) : v.toPrecision(digits);
}

class RaceLabUI {
  constructor(panel, ctx) {
    this.panel = panel;
    this.ctx = ctx;
    this.race = null;
    this.query = null;
    this.active = true;
    this.frameNo = 0;
    this.drawn = false;
    this.modes = asJson(ctx.wasm.raceModes());
    this.form = new RaceForm(ctx.catalog, this.modes, {
      onChange: (q) => this.#onForm(q),
      copyFromPlayground: () => ctx.labQuery('playground'),
    });
    this.#build();
    this.loop = new LabLoop({
      button: this.playBtn,
      budget: { targetMs: 5, maxMs: 8 },
      advance: (k) => asJson(this.race.advance(k)),
      draw: () => this.#draw(false),
      finished: (adv) => adv.stopped || adv.diverged.every(Boolean),
      stats: { everyMs: STATS_INTERVAL_MS, show: () => this.#showStats() },
      onPause: () => { this.#redraw(); },
      onError: (e) => this.ctx.banner.show('Something went wrong while racing; the race is paused:', [messageOf(e)]),
    });
  }

  get running() { return this.loop?.running ?? false; }
  get perf() { return this.loop.perf; }

  #build() {
    const btn = (id, text, onclick, title) => h('button', { type: 'button', id, onclick, title }, text);
    this.modeButtons = this.modes.map((m) => h('button', { type: 'button', class: 'race-mode', id: `race-mode-${m.key}`,
      'aria-pressed': 'false', title: m.doc, onclick: () => this.form.setMode(m.key) }, m.label));
    this.playBtn = btn('race-play', 'Play', () => (this.running ? this.pause() : this.play()), 'Run or pause the race');
    this.stepEl = h('span', { id: 'race-step', class: 'race-metric' }, '0');
    this.rateEl = h('span', { id: 'race-rate', class: 'race-metric' }, '—');
    this.toolbar = h('div', { class: 'race-toolbar' },
      h('div', { class: 'race-modes', role: 'group', 'aria-label': 'View' }, this.modeButtons),
      h('div', { class: 'race-controls' }, this.playBtn,
        btn('race-stepbtn', 'Step', () => this.stepNow(1), 'One step of every network'),
        btn('race-reset', 'Reset', () => this.reset(), 'Back to step 0 (same initialization)'),
        h('span', { class: 'race-status' }, 'step ', this.stepEl, ' · ', this.rateEl, ' steps/s')));
    this.intro = h('p', { class: 'race-intro', id: 'race-intro' });
    this.lossCanvas = h('canvas', { id: 'race-loss', class: 'race-loss', role: 'img',
      'aria-label': 'Loss curves of every racer against step' });
    this.legend = h('table', { class: 'race-legend', id: 'race-legend' });
    this.report = h('div', { class: 'race-report', id: 'race-report', hidden: true });
    this.thumbs = h('div', { class: 'race-thumbs', id: 'race-thumbs' });
    this.panel.append(h('div', { class: 'race-lab' },
      this.toolbar, this.intro,
      h('div', { class: 'race-main' },
        h('aside', { class: 'race-settings' }, this.form.element),
        h('div', { class: 'race-results' },
          h('div', { class: 'race-chart' }, this.lossCanvas),
          this.legend, this.report,
          h('h3', { class: 'race-thumbs-title' }, 'Decision boundaries'), this.thumbs))));
  }

  start() {
    this.stopObserving = observeCanvases([this.lossCanvas], () => this.#redraw());
    this.applyHash();
    if (!this.race) this.#rebuild(asJson(this.ctx.wasm.parseRaceQuery('')).query);
  }

  activate() {
    this.active = true;
    this.#redraw();
  }

  deactivate() {
    this.active = false;
    this.pause();
  }

  /** Read `lab=race&…` from the hash (or the defaults, with the Playground's data and network when it has
   *  run), report what was invalid, and rebuild when the race differs. */
  applyHash() {
    const m = splitQuery(location.hash);
    let raw;
    if (m.get('lab') === 'race') {
      m.delete('lab');
      raw = location.hash.replace(/^#/, '').split('&').filter((p) => !p.startsWith('lab=')).join('&');
    } else {
      raw = this.ctx.labQuery('playground') ? `mode=race&${this.ctx.labQuery('playground')}` : '';
    }
    const { query, errors } = asJson(this.ctx.wasm.parseRaceQuery(raw));
    if (errors.length) {
      this.ctx.banner.show('Some race settings in the address were invalid; defaults are used instead:',
        errors.map((e) => e.message));
    }
    if (query !== this.query) this.#rebuild(query);
    else this.ctx.setHash('race', this.query);
  }

  #onForm(q) {
    const { query, errors } = asJson(this.ctx.wasm.parseRaceQuery(q));
    if (errors.length) {
      this.form.showError(errors.map((e) => e.message).join('\n'));
      this.form.setQuery(this.query); // back to the running race's settings
      this.form.showError(errors.map((e) => e.message).join('\n'));
      return;
    }
    this.form.showError('');
    if (query !== this.query) this.#rebuild(query);
  }

  /** A new race from a canonical query; false (the old race kept) when the core refuses it. */
  #rebuild(query) {
    let next;
    try {
      next = new this.ctx.wasm.RaceLab(query);
    } catch (e) {
      this.form.showError(messageOf(e));
      return false;
    }
    const wasRunning = this.running;
    this.pause();
    this.race?.free();
    this.race = next;
    this.query = next.query();
    this.form.setQuery(this.query);
    this.ctx.setHash('race', this.query);
    this.loop.reset();
    this.legendRows = null;
    this.#layoutThumbs();
    this.#showMode();
    this.#report();
    this.loop.refreshStats();
    this.#redraw();
    if (wasRunning) this.play();
    return true;
  }

  #showMode() {
    const mode = splitQuery(this.query).get('mode');
    for (const b of this.modeButtons) b.setAttribute('aria-pressed', String(b.id === `race-mode-${mode}`));
    const info = this.modes.find((m) => m.key === mode);
    const how = {
      race: 'Same data, same initial weights, same minibatches: only the optimizer differs. Solid lines are training loss, dashed test loss.',
      rescale: 'Solid: the original network; dashed: the rescaled one. Both compute the same function, so only the optimizer decides whether their training curves part.',
      bn: 'Solid: s = 1; dashed: the weights before each batch-norm layer scaled by s. The output is unchanged, but the gradient scales by 1/s, so SGD\'s effective step changes by 1/s².',
    };
    this.intro.textContent = `${info?.doc ?? ''} ${how[mode] ?? ''}`;
  }

  #layoutThumbs() {
    const n = this.race.count();
    this.thumbCanvases = [];
    this.thumbCaptions = [];
    const figs = [];
    for (let i = 0; i < n; i++) {
      const c = h('canvas', { class: 'race-thumb', id: `race-thumb-${i}`, role: 'img' });
      const cap = h('figcaption', {});
      this.thumbCanvases.push(c);
      this.thumbCaptions.push(cap);
      figs.push(h('figure', { class: 'race-thumb-fig' }, c, cap));
    }
    this.thumbs.replaceChildren(...figs);
    this.stopThumbs?.();
    this.stopThumbs = observeCanvases(this.thumbCanvases, () => this.#redraw());
  }

  #report() {
    const r = asJson(this.race.rescaleReport());
    this.report.hidden = !r;
    if (!r) return;
    const rows = r.layers.map((l, i) => h('tr', {},
      h('th', { scope: 'row' }, i === r.layers.length - 1 ? 'output' : `hidden ${i + 1}`),
      h('td', {}, fmt(l.wBefore)), h('td', {}, fmt(l.wAfter)),
      h('td', {}, l.wBefore > 0 ? fmt(l.wAfter / l.wBefore, 3) : '—'),
      h('td', {}, fmt(l.bBefore)), h('td', {}, fmt(l.bAfter))));
    const mode = splitQuery(this.query).get('mode');
    const verdict = mode === 'bn'
      ? 'batch norm divides the scale out again (up to its ε = 1e-5)'
      : 'the same function, up to round-off';
    this.report.replaceChildren(
      h('p', {}, 'Max |Δf| on the training data: ', h('strong', { id: 'race-max-df' }, r.maxOutputChange.toExponential(2)),
        ` (rescale=${r.rescale}: ${verdict}).`),
      h('table', { class: 'race-grad-table' },
        h('caption', {}, 'Gradient norms of the full-batch training loss at initialization, before → after'),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'layer'), h('th', { scope: 'col' }, '‖∂L/∂W‖'),
          h('th', { scope: 'col' }, 'after'), h('th', { scope: 'col' }, 'ratio'), h('th', { scope: 'col' }, '‖∂L/∂b‖'),
          h('th', { scope: 'col' }, 'after'))),
        h('tbody', {}, rows)));
  }

  // ---- running -----------------------------------------------------------------------------------------------

  play() {
    if (this.race) this.loop.play();
  }

  pause() {
    this.loop.pause();
  }

  reset() {
    const q = this.query;
    this.query = null;
    this.#rebuild(q);
  }

  /** Test hook and the Step button: pause, run n steps of every network, draw; returns the stats. */
  stepNow(n = 1) {
    if (!this.race) return null;
    if (this.running) this.pause();
    this.race.advance(n);
    this.loop.refreshStats();
    this.#redraw();
    return this.stats();
  }

  stats() {
    return this.race ? asJson(this.race.stats()) : null;
  }

  #showStats() {
    const s = this.stats();
    if (!s) return;
    this.loop.showProgress(s.step, this.stepEl, this.rateEl);
    if (this.legendRows?.length !== s.racers.length) this.#buildLegend(s);
    // In place: only the numbers change while racing (no new nodes, so no layout beyond the text).
    s.racers.forEach((r, i) => {
      const [train, test, acc, div] = this.legendRows[i];
      train.textContent = fmt(r.trainLoss);
      test.textContent = fmt(r.testLoss);
      acc.textContent = r.testAcc === null || r.testAcc === undefined ? '—' : `${(100 * r.testAcc).toFixed(1)}%`;
      div.textContent = r.diverged ? 'diverged' : '';
    });
  }

  /** The legend table and the thumbnail captions for a new race (labels and colours are fixed per race). */
  #buildLegend(s) {
    const pairs = s.racers.some((r) => r.dashed);
    const colours = s.racers.map((r) => r.colour);
    this.form.setColours(pairs ? colours.filter((_, i) => i % 2 === 0) : colours);
    const line = (r) => h('span', { class: `race-line${r.dashed ? ' dashed' : ''}`, style: `--c:${r.colour}` });
    this.legendRows = [];
    const rows = s.racers.map((r, i) => {
      const cells = [h('td', { class: 'num' }), h('td', { class: 'num' }), h('td', { class: 'num' }),
        h('td', { class: 'race-diverged' })];
      this.legendRows.push(cells);
      return h('tr', { dataset: { racer: String(i) } },
        h('td', { class: 'race-lines' }, line(r), pairs ? null : line({ ...r, dashed: true })),
        h('th', { scope: 'row' }, r.label), ...cells);
    });
    this.legend.replaceChildren(
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, 'line')),
        h('th', { scope: 'col' }, pairs ? 'network' : 'optimizer'), h('th', { scope: 'col' }, 'train loss'),
        h('th', { scope: 'col' }, 'test loss'), h('th', { scope: 'col' }, 'test acc'),
        h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, 'status')))),
      h('tbody', {}, rows));
    s.racers.forEach((r, i) => {
      this.thumbCaptions[i]?.replaceChildren(line(r), ` ${r.label}`);
      this.thumbCanvases[i]?.setAttribute('aria-label', `Decision boundary of ${r.label}`);
    });
  }

  #redraw() {
    if (!this.race || !this.active) return;
    try {
      this.#draw(true);
    } catch (e) {
      this.ctx.banner.show('The race could not be drawn:', [messageOf(e)]);
    }
  }

  /** Forced (paused, resized): everything. Running, the work is spread so that a frame stays a few ms even on
   *  a busy machine: the loss chart on even frames, on odd frames the next two thumbnails (round robin). */
  #draw(force) {
    this.frameNo += 1;
    const grid = this.running ? THUMB_GRID_RUNNING : THUMB_GRID_PAUSED;
    const n = this.thumbCanvases.length;
    if (force) {
      this.race.drawLoss(this.lossCanvas);
      this.thumbCanvases.forEach((c, i) => this.race.drawBoundary(c, i, grid));
    } else if (this.frameNo % 2 === 0) {
      this.race.drawLoss(this.lossCanvas);
    } else {
      for (let j = 0; j < Math.min(2, n); j++) {
        this.nextThumb = ((this.nextThumb ?? -1) + 1) % n;
        this.race.drawBoundary(this.thumbCanvases[this.nextThumb], this.nextThumb, grid);
      }
    }
    if (!this.drawn) {
      this.drawn = true;
      document.body.dataset.ready = '1';
      this.ctx.onFirstFrame?.();
    }
  }
}
