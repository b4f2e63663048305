// The Race lab's settings form: the view (mode), the racers (optimizer + hyperparameters from the catalog), the
// shared data / network settings in compact form (or copied from the Playground) and, in the rescaling views,
// the rescaling. It holds the race query's parts and rebuilds the query on every change; the core's
// parseRaceQuery / RaceLab validate it (the form never judges values itself).

import { h } from './dom.js';
import { joinQuery, splitQuery } from './query.js';

/** Keys a change of data set or network shape makes meaningless (they depend on the old set or shape). */
const DATA_BOUND = ['head', 'feat', 'pts', 'del', 'edits', 'weights'];
const SHAPE_BOUND = ['edits', 'weights', 'drop'];

/** "adam/lr:0.003" -> {kind: "adam", hyper: {lr: "0.003"}}. */
function parseRacer(token) {
  const [kind, ...parts] = token.split('/');
  const hyper = {};
  for (const p of parts) {
    const i = p.indexOf(':');
    if (i > 0) hyper[p.slice(0, i)] = p.slice(i + 1);
  }
  return { kind, hyper };
}

/** Slider position (log10 s) -> s with two significant digits. */
function sliderScale(t) {
  return Number((10 ** Number(t)).toPrecision(2));
}

export class RaceForm {
  /**
   * @param {object} cat the catalog (optimizers, datasets, activations)
   * @param {object[]} modes raceModes() entries
   * @param {{onChange: (query: string) => void, copyFromPlayground: () => string|null}} hooks
   */
  constructor(cat, modes, hooks) {
    this.cat = cat;
    this.modes = modes;
    this.hooks = hooks;
    this.mode = 'race';
    this.racers = [];
    this.base = new Map();
    this.element = h('form', { class: 'race-form', id: 'race-form', onsubmit: (e) => e.preventDefault() });
    this.render();
  }

  get modeInfo() {
    return this.modes.find((m) => m.key === this.mode) || this.modes[0];
  }

  /** Populate from a canonical race query. */
  setQuery(q) {
    const m = splitQuery(q);
    this.mode = m.get('mode') || 'race';
    this.racers = String(m.get('racers') || '').split(',').filter(Boolean).map(parseRacer);
    m.delete('mode');
    m.delete('racers');
    this.base = m;
    this.render();
  }

  /** The race query the controls describe (not yet validated). */
  toQuery() {
    const racers = this.racers.map((r) => [r.kind, ...Object.entries(r.hyper)
      .filter(([, v]) => String(v).trim() !== '').map(([k, v]) => `${k}:${String(v).trim()}`)].join('/')).join(',');
    return joinQuery([['mode', this.mode], ['racers', racers || null], ...this.base]).replace(/%2F/gi, '/').replace(/%3A/gi, ':');
  }

  #changed() {
    this.hooks.onChange(this.toQuery());
  }

  #set(key, value, drop = []) {
    for (const k of drop) this.base.delete(k);
    this.base.set(key, value);
    this.#changed();
  }

  /** Switch view: the mode's default racers, and the settings the view needs (ReLU without normalization for
   *  rescaling, batch norm for the normalization view, a rescaling of 4 when none is set). */
  setMode(key) {
    if (key === this.mode) return;
    this.mode = key;
    this.racers = [];
    if (key === 'race') {
      this.base.delete('rescale');
      this.base.delete('bn');
    } else {
      if (!this.base.get('rescale') || this.base.get('rescale') === 'none') this.base.set('rescale', '4');
      if (key === 'rescale') {
        this.base.delete('bn');
        this.base.set('act', 'relu');
      } else {
        this.base.set('bn', 'hidden');
      }
    }
    this.#changed();
  }

  /** Take the Playground's data and network (its optimizer is ignored), keeping this view's requirements. */
  copyFromPlayground() {
    const q = this.hooks.copyFromPlayground();
    if (!q) return false;
    const m = splitQuery(q);
    m.delete('lab');
    const rescale = this.base.get('rescale');
    if (this.mode !== 'race') {
      m.set('rescale', rescale || '4');
      if (this.mode === 'rescale') {
        m.delete('bn');
        m.set('act', 'relu');
      } else m.set('bn', 'hidden');
    }
    this.base = m;
    this.#changed();
    return true;
  }

  // ---- rendering ---------------------------------------------------------------------------------------------

  render() {
    const parts = [this.#shared(), this.modeInfo.pairs ? this.#rescale() : null, this.#racerList(),
      h('p', { class: 'race-form-error', id: 'race-form-error', role: 'alert', hidden: true })];
    this.element.replaceChildren(...parts.filter(Boolean));
  }

  showError(message) {
    const el = this.element.querySelector('#race-form-error');
    el.textContent = message;
    el.hidden = !message;
  }

  #select(id, items, value, onchange, label) {
    const sel = h('select', { id, onchange: (e) => onchange(e.target.value) },
      items.map((it) => h('option', { value: it.key, title: it.doc || null, selected: it.key === value }, it.label)));
    return h('div', { class: 'race-field' }, h('label', { for: id }, label), sel);
  }

  #input(id, value, onchange, label, attrs = {}) {
    const input = h('input', { id, value, onchange: (e) => onchange(e.target.value), ...attrs });
    return h('div', { class: 'race-field' }, h('label', { for: id }, label), input);
  }

  #shared() {
    const b = this.base;
    const act = String(b.get('act') || 'tanh').split(',')[0];
    return h('fieldset', { class: 'race-shared' },
      h('legend', {}, 'Data and network (shared by every racer)'),
      h('div', { class: 'race-grid' },
        this.#select('race-dataset', this.cat.datasets, b.get('dataset') || 'circle',
          (v) => this.#set('dataset', v, DATA_BOUND), 'Data set'),
        this.#input('race-hidden', b.get('hidden') ?? '4,2', (v) => {
          this.base.set('act', act);
          this.#set('hidden', v.replace(/\s+/g, ''), SHAPE_BOUND);
        }, 'Hidden layers', { type: 'text', inputmode: 'numeric', title: 'Widths, comma-separated, e.g. 8,8' }),
        this.#select('race-act', this.cat.activations, act, (v) => this.#set('act', v), 'Activation'),
        this.#input('race-batch', b.get('batch') ?? '10', (v) => this.#set('batch', v), 'Batch',
          { type: 'number', min: 1, step: 1 }),
        this.#input('race-seed', b.get('seed') ?? '1', (v) => this.#set('seed', v), 'Seed',
          { type: 'number', min: 0, step: 1 }),
      ),
      h('button', { type: 'button', id: 'race-copy', class: 'secondary',
        title: 'Use the Playground\'s data set, network, noise and batch size (its optimizer is ignored)',
        onclick: () => {
          if (!this.copyFromPlayground()) this.showError('Open the Playground tab once to have settings to copy.');
        } }, 'Copy from Playground'),
    );
  }

  #rescale() {
    const token = this.base.get('rescale') || '4';
    const random = token.startsWith('random:');
    const s = random ? 4 : Number(token) || 4;
    const sigma = random ? Number(token.slice(7)) || 0 : 1;
    const sOut = h('output', { for: 'race-s', id: 'race-s-value' }, `s = ${s}`);
    const sigmaOut = h('output', { for: 'race-sigma', id: 'race-sigma-value' }, `σ = ${sigma}`);
    const what = this.mode === 'bn'
      ? 'Weights and bias before each batch-norm layer × s'
      : 'Per hidden unit: incoming weights and bias × s, outgoing weights × 1/s';
    return h('fieldset', { class: 'race-rescale' },
      h('legend', {}, 'Rescaling'),
      h('p', { class: 'race-note' }, what),
      h('label', { class: 'race-check' },
        h('input', { type: 'checkbox', id: 'race-random', checked: random,
          onchange: (e) => this.#set('rescale', e.target.checked ? `random:${sigma}` : String(s)) }),
        ' random s per unit (log-normal, spread σ)'),
      random
        ? h('div', { class: 'race-slider' }, h('label', { for: 'race-sigma' }, 'Spread'),
          h('input', { type: 'range', id: 'race-sigma', min: 0, max: 2, step: 0.1, value: sigma,
            oninput: (e) => { sigmaOut.textContent = `σ = ${e.target.value}`; },
            onchange: (e) => this.#set('rescale', `random:${Number(e.target.value)}`) }), sigmaOut)
        : h('div', { class: 'race-slider' }, h('label', { for: 'race-s' }, 'Scale'),
          h('input', { type: 'range', id: 'race-s', min: -2, max: 2, step: 0.05, value: Math.log10(s),
            oninput: (e) => { sOut.textContent = `s = ${sliderScale(e.target.value)}`; },
            onchange: (e) => this.#set('rescale', String(sliderScale(e.target.value))) }), sOut),
    );
  }

  #racerList() {
    const max = this.modeInfo.maxRacers;
    const list = h('ol', { class: 'race-racers', id: 'race-racers' }, this.racers.map((r, i) => this.#racerRow(r, i)));
    const add = h('button', { type: 'button', id: 'race-add', class: 'secondary', disabled: this.racers.length >= max,
      onclick: () => {
        const used = new Set(this.racers.map((r) => r.kind));
        const next = this.#optimizers().find((o) => !used.has(o.key)) || this.#optimizers()[0];
        this.racers.push({ kind: next.key, hyper: {} });
        this.#changed();
      } }, '+ Add optimizer');
    const note = this.modeInfo.pairs && !this.cat.optimizers.some((o) => o.key === 'path-sgd')
      ? h('p', { class: 'race-note' }, 'Path-SGD (rescaling-invariant: its two curves coincide) arrives with the optimizer catalog merge; until then compare SGD, whose curves part, with the adaptive methods.')
      : null;
    return h('fieldset', { class: 'race-racer-set' },
      h('legend', {}, this.modeInfo.pairs ? `Optimizers (each trains both networks; up to ${max})` : `Racers (up to ${max})`),
      list, add, note);
  }

  /** The optimizers that train networks (the catalog's `network` flag). */
  #optimizers() {
    return this.cat.optimizers.filter((o) => o.network !== false);
  }

  #racerRow(r, i) {
    const opt = this.cat.optimizers.find((o) => o.key === r.kind) || this.cat.optimizers[0];
    const swatch = h('span', { class: 'race-swatch', dataset: { racer: String(i) }, 'aria-hidden': 'true' });
    const kind = h('select', { id: `race-kind-${i}`, 'aria-label': `Racer ${i + 1} optimizer`,
      onchange: (e) => { this.racers[i] = { kind: e.target.value, hyper: {} }; this.#changed(); } },
    this.#optimizers().map((o) => h('option', { value: o.key, title: o.doc, selected: o.key === opt.key }, o.label)));
    // The shared schedule and noise hyperparameters (omitDefault) stay out of the compact racer rows; a racer
    // token from a link keeps them.
    const params = opt.hyperparams.filter((p) => !p.omitDefault).map((p) => h('label', { class: 'race-hyper', title: p.doc },
      h('span', {}, p.name),
      h('input', { type: 'number', step: 'any', id: `race-${i}-${p.name}`, 'aria-label': `Racer ${i + 1} ${p.label}`,
        value: r.hyper[p.name] ?? String(p.default),
        onchange: (e) => {
          const v = e.target.value.trim();
          if (v === '' || Number(v) === p.default) delete this.racers[i].hyper[p.name];
          else this.racers[i].hyper[p.name] = v;
          this.#changed();
        } })));
    const remove = h('button', { type: 'button', class: 'icon race-remove', 'aria-label': `Remove racer ${i + 1}`,
      title: 'Remove', disabled: this.racers.length <= 1,
      onclick: () => { this.racers.splice(i, 1); this.#changed(); } }, '×');
    return h('li', { class: 'race-racer' }, h('div', { class: 'race-racer-head' }, swatch, kind, remove),
      h('div', { class: 'race-hypers' }, params));
  }

  /** Colour the racer swatches from the stats (the core picks the colours). */
  setColours(colours) {
    for (const el of this.element.querySelectorAll('.race-swatch')) {
      el.style.background = colours[Number(el.dataset.racer)] || 'transparent';
    }
  }
}
