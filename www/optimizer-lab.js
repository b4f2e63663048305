// The Optimizers lab: up to six optimizers started at one point of a 2-D surface (ill-conditioned quadratic,
// Rosenbrock, Beale, Himmelblau, the saddles, a double well), their trajectories over the contour map, f against
// step, and the reparameterization x = Ay of lecture 8. State lives in the hash as `lab=optimizers&<query>`
// (app.js routes it); the wasm SurfaceLab validates, runs and draws; this module owns the DOM, the frame loop
// (spf steps per frame, capped by a time budget so no main-thread task nears 50 ms) and the click on the plot.
//
// Test hooks (on the object mount returns): lab (the wasm SurfaceLab), query, perf, stepNow(n), stats().

import { h, fmt, messageOf } from './dom.js';
import { asJson, splitQuery } from './query.js';
import { observeCanvases } from './canvas.js';
import { LabLoop } from './lab-loop.js';
import { OptimizerForm } from './optimizer-form.js';

/** Table refresh while running (ms). */
const STATS_INTERVAL_MS = 200;

export async function mount(panel, ctx) {
  const lab = new OptimizerLabUI(panel, ctx);
  lab.start();
  return lab;
}

class OptimizerLabUI {
  constructor(panel, ctx) {
    this.panel = panel;
    this.ctx = ctx;
    this.lab = null;
    this.query = null;
    this.active = true;
    this.frameNo = 0;
    this.drawn = false;
    this.surf = asJson(ctx.wasm.surfaceCatalog());
    this.form = new OptimizerForm(ctx.catalog, this.surf, { onChange: (q) => this.#onForm(q) });
    this.#build();
    this.loop = new LabLoop({
      button: this.playBtn,
      budget: { targetMs: 4, maxMs: 6 },
      advance: (k) => asJson(this.lab.advance(k)),
      draw: () => this.#draw(false),
      finished: (adv) => adv.allDiverged,
      stats: { everyMs: STATS_INTERVAL_MS, show: () => this.#showStats() },
      onPause: () => {
        this.loop.refreshStats();
        this.#redraw();
      },
      onError: (e) => this.ctx.banner.show('Something went wrong while running the optimizers; paused:', [messageOf(e)]),
    });
  }

  get running() { return this.loop?.running ?? false; }
  get perf() { return this.loop.perf; }

  #build() {
    const btn = (id, text, onclick, title) => h('button', { type: 'button', id, onclick, title }, text);
    this.playBtn = btn('opt-play', 'Play', () => (this.running ? this.pause() : this.play()), 'Run or pause every optimizer');
    this.stepEl = h('span', { id: 'opt-step', class: 'opt-metric' }, '0');
    this.rateEl = h('span', { id: 'opt-rate', class: 'opt-metric' }, '—');
    this.intro = h('p', { class: 'opt-intro', id: 'opt-intro' });
    this.plot = h('canvas', { id: 'opt-plot', class: 'opt-plot', role: 'img', tabindex: '-1',
      'aria-label': 'Contour map of the surface with each optimizer\'s trajectory; click to move the start point',
      onclick: (e) => this.#click(e) });
    this.chart = h('canvas', { id: 'opt-values', class: 'opt-values', role: 'img',
      'aria-label': 'f against step for each optimizer' });
    this.legend = h('table', { class: 'opt-legend', id: 'opt-legend' });
    this.panel.append(h('div', { class: 'opt-lab' },
      h('div', { class: 'opt-toolbar' },
        h('div', { class: 'opt-controls' }, this.playBtn,
          btn('opt-stepbtn', 'Step', () => this.stepNow(1), 'One step of every optimizer'),
          btn('opt-reset', 'Reset', () => this.reset(), 'Back to the start point'),
          h('span', { class: 'opt-status' }, 'step ', this.stepEl, ' · ', this.rateEl, ' steps/s'))),
      this.intro,
      h('div', { class: 'opt-main' },
        h('aside', { class: 'opt-settings' }, this.form.element),
        h('div', { class: 'opt-results' },
          h('div', { class: 'opt-plot-wrap' }, this.plot),
          this.legend,
          h('h3', { class: 'opt-chart-title' }, 'f against step'),
          h('div', { class: 'opt-chart-wrap' }, this.chart)))));
  }

  start() {
    this.stopObserving = observeCanvases([this.plot, this.chart], () => this.#redraw());
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

  /** Read `lab=optimizers&…` from the hash (defaults otherwise), report what was invalid beside its control
   *  and in the banner, and rebuild when the state differs. */
  applyHash() {
    const m = splitQuery(location.hash);
    const raw = m.get('lab') === 'optimizers'
      ? location.hash.replace(/^#/, '').split('&').filter((p) => !p.startsWith('lab=')).join('&')
      : '';
    const { query, errors } = asJson(this.ctx.wasm.parseSurfaceQuery(raw));
    if (query !== this.query) this.#rebuild(query);
    else this.ctx.setHash('optimizers', this.query);
    if (errors.length) {
      this.ctx.banner.show('Some Optimizers-lab settings in the address were invalid; defaults are used instead:',
        errors.map((e) => e.message));
      this.form.showErrors(errors);
    }
  }

  #onForm(q) {
    const { query, errors } = asJson(this.ctx.wasm.parseSurfaceQuery(q));
    // A bad value stays in its control with the message beside it; the lab keeps its last valid state.
    this.form.showErrors(errors);
    if (!errors.length && query !== this.query) this.#rebuild(query);
  }

  /** A new lab from a canonical query; false (the old one kept) when the core refuses it. */
  #rebuild(query) {
    let next;
    try {
      next = new this.ctx.wasm.SurfaceLab(query);
    } catch (e) {
      this.form.showErrors([{ field: null, message: messageOf(e) }]);
      return false;
    }
    const wasRunning = this.running;
    this.pause();
    this.lab?.free();
    this.lab = next;
    this.query = next.query();
    const focused = document.activeElement?.id;
    this.form.setQuery(this.query);
    if (focused) document.getElementById(focused)?.focus();
    this.ctx.setHash('optimizers', this.query);
    this.loop.reset();
    this.loop.budget.kMax = next.speed();
    this.legendRows = null;
    this.#intro();
    this.loop.refreshStats();
    this.#redraw();
    if (wasRunning) this.play();
    return true;
  }

  #intro() {
    const m = splitQuery(this.query);
    const s = this.surf.surfaces.find((x) => x.key === m.get('surface'));
    const a = String(m.get('reparam') || '1,0,0,1');
    const preset = this.surf.presets.find((p) => p.a.join(',') === a);
    const reparam = a === '1,0,0,1' ? ''
      : ` Reparameterized: x = Ay with A = [[${a.split(',').slice(0, 2).join(', ')}], [${a.split(',').slice(2).join(', ')}]]` +
        `${preset ? ` (${preset.doc})` : '.'}`;
    this.intro.textContent = `${s?.doc ?? ''}${reparam}`;
  }

  #click(e) {
    if (!this.lab) return;
    const p = this.lab.pointAt(this.plot, e.offsetX, e.offsetY);
    if (!p) return;
    const round = (v) => Number(v.toPrecision(4));
    this.form.setStart(round(p[0]), round(p[1]));
  }

  // ---- running -----------------------------------------------------------------------------------------------

  play() {
    if (this.lab) this.loop.play();
  }

  pause() {
    this.loop.pause();
  }

  reset() {
    const q = this.query;
    this.query = null;
    this.#rebuild(q);
  }

  /** Test hook and the Step button: pause, run n steps of every optimizer, draw; returns the stats. */
  stepNow(n = 1) {
    if (!this.lab) return null;
    if (this.running) this.pause();
    this.lab.advance(n);
    this.loop.refreshStats();
    this.#redraw();
    return this.stats();
  }

  stats() {
    return this.lab ? asJson(this.lab.stats()) : null;
  }

  #showStats() {
    const s = this.stats();
    if (!s) return;
    this.loop.showProgress(s.step, this.stepEl, this.rateEl);
    if (this.legendRows?.length !== s.racers.length) this.#buildLegend(s);
    s.racers.forEach((r, i) => {
      const [f, x, y, status] = this.legendRows[i];
      f.textContent = fmt(r.f);
      x.textContent = fmt(r.x, 3);
      y.textContent = fmt(r.y, 3);
      status.textContent = r.diverged ? `diverged at step ${r.diverged.step}: ${r.diverged.reason}` : '';
    });
  }

  #buildLegend(s) {
    this.form.setColours(s.racers.map((r) => r.colour));
    this.legendRows = [];
    const rows = s.racers.map((r, i) => {
      const cells = [h('td', { class: 'num' }), h('td', { class: 'num' }), h('td', { class: 'num' }),
        h('td', { class: 'opt-diverged' })];
      this.legendRows.push(cells);
      return h('tr', { dataset: { racer: String(i) } },
        h('td', { class: 'opt-glyph', style: `color:${r.colour}`, 'aria-hidden': 'true' }, r.shape),
        h('th', { scope: 'row' }, r.label), ...cells);
    });
    this.legend.replaceChildren(
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, 'marker')),
        h('th', { scope: 'col' }, 'optimizer'), h('th', { scope: 'col' }, 'f'), h('th', { scope: 'col' }, 'x'),
        h('th', { scope: 'col' }, 'y'), h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, 'status')))),
      h('tbody', {}, rows));
  }

  #redraw() {
    if (!this.lab || !this.active) return;
    try {
      this.#draw(true);
    } catch (e) {
      this.ctx.banner.show('The Optimizers lab could not be drawn:', [messageOf(e)]);
    }
  }

  /** Forced (paused, resized): both charts. Running: the plot every frame, the f chart every fourth frame (it
   *  moves slowly and costs about as much as the plot). */
  #draw(force) {
    this.frameNo += 1;
    this.lab.drawSurface(this.plot);
    if (force || this.frameNo % 4 === 0) this.lab.drawValues(this.chart);
    if (!this.drawn) {
      this.drawn = true;
      document.body.dataset.ready = '1';
      this.ctx.onFirstFrame?.();
    }
  }
}
