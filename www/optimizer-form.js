// The Optimizers lab's settings form: surface and its parameters, start point, the reparameterization A (2×2
// editor with presets), gradient noise, seed, speed, the cloud toggle and up to six optimizers with their
// hyperparameters. Every list and range comes from the catalogs (catalog() for optimizers, surfaceCatalog() for
// surfaces and presets); the form holds the query's parts as typed and never judges values: the core does, and
// its messages come back through showErrors() beside the control they name.

import { h } from './dom.js';
import { splitQuery } from './query.js';

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

const A_CELLS = [['a11', 'row 1, column 1'], ['a12', 'row 1, column 2'], ['a21', 'row 2, column 1'], ['a22', 'row 2, column 2']];

export class OptimizerForm {
  /**
   * @param {object} cat catalog() (optimizers with hyperparameters)
   * @param {object} surf surfaceCatalog() (surfaces, presets, limits)
   * @param {{onChange: (query: string) => void}} hooks
   */
  constructor(cat, surf, hooks) {
    this.cat = cat;
    this.surf = surf;
    this.hooks = hooks;
    this.state = new Map();
    this.racers = [];
    this.element = h('form', { class: 'opt-form', id: 'opt-form', onsubmit: (e) => e.preventDefault() });
  }

  get surface() {
    const key = this.state.get('surface');
    return this.surf.surfaces.find((s) => s.key === key) || this.surf.surfaces[0];
  }

  /** Populate from a canonical query (the running lab's). */
  setQuery(q) {
    const m = splitQuery(q);
    this.racers = String(m.get('racers') || '').split(',').filter(Boolean).map(parseRacer);
    m.delete('racers');
    this.state = m;
    this.render();
  }

  /** Move the start point (a click on the plot) and report the change. */
  setStart(x, y) {
    this.state.set('start', `${x},${y}`);
    this.#changed();
  }

  /** The query the controls describe (not validated). Keys in the canonical order, values as typed. */
  #racersToken() {
    return this.racers.map((r) => [r.kind, ...Object.entries(r.hyper)
      .filter(([, v]) => String(v).trim() !== '').map(([k, v]) => `${k}:${String(v).trim()}`)].join('/')).join(',');
  }

  toQuery() {
    const racers = this.#racersToken();
    const parts = [];
    for (const [k, v] of this.state) {
      parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(String(v).trim()).replace(/%2C/gi, ',')}`);
      if (k === 'reparam') parts.push(`racers=${racers}`);
    }
    if (!this.state.has('reparam')) parts.push(`racers=${racers}`);
    return parts.join('&');
  }

  #changed() {
    this.hooks.onChange(this.toQuery());
  }

  #set(key, value) {
    this.state.set(key, value);
    this.#changed();
  }

  /** Show each error beside the control it names (`field`), the rest in the form's general slot; controls whose
   *  slot shows a message are marked aria-invalid. */
  showErrors(errors) {
    const slots = [...this.element.querySelectorAll('.field-error')];
    for (const el of slots) el.textContent = '';
    const general = this.element.querySelector('#opt-error-general');
    for (const e of errors) {
      const slot = (e.field && this.element.querySelector(`#opt-error-${CSS.escape(e.field)}`)) || general;
      slot.textContent = slot.textContent ? `${slot.textContent}\n${e.message}` : e.message;
    }
    for (const el of slots) el.hidden = !el.textContent;
    for (const el of this.element.querySelectorAll('[aria-describedby]')) {
      const slot = this.element.querySelector(`#${el.getAttribute('aria-describedby')}`);
      if (slot && !slot.hidden) el.setAttribute('aria-invalid', 'true');
      else el.removeAttribute('aria-invalid');
    }
  }

  // ---- rendering ---------------------------------------------------------------------------------------------

  render() {
    this.element.replaceChildren(this.#surfaceSet(), this.#reparamSet(), this.#racerSet(), this.#runSet(),
      h('p', { class: 'field-error opt-general-error', id: 'opt-error-general', role: 'alert', hidden: true }));
  }

  /** A labelled control with its error slot (`field` is the core's field name). */
  #field(field, id, label, control, doc) {
    control.id = id;
    control.setAttribute('aria-describedby', `opt-error-${field}`);
    if (doc) control.title = doc;
    return h('div', { class: 'opt-field' }, h('label', { for: id, title: doc || null }, label), control);
  }

  #slot(field) {
    return h('p', { class: 'field-error', id: `opt-error-${field}`, 'aria-live': 'polite', hidden: true });
  }

  #number(value, onchange, attrs = {}) {
    return h('input', { type: 'number', step: 'any', inputmode: 'decimal', value, autocomplete: 'off',
      onchange: (e) => onchange(e.target.value), ...attrs });
  }

  #surfaceSet() {
    const s = this.surface;
    const select = h('select', { onchange: (e) => {
      // A new surface starts from its own defaults: drop the old surface's parameters and start.
      for (const p of s.params) this.state.delete(p.name);
      this.state.delete('start');
      // Untouched default racers follow the surface's suggested learning rates; edited ones stay.
      const next = this.surf.surfaces.find((x) => x.key === e.target.value);
      if (next && this.#racersToken() === s.racers) this.racers = next.racers.split(',').map(parseRacer);
      this.#set('surface', e.target.value);
    } }, this.surf.surfaces.map((x) => h('option', { value: x.key, title: x.doc, selected: x.key === s.key }, x.label)));
    const params = s.params.map((p) => h('div', {},
      this.#field(p.name, `opt-${p.name}`, p.label,
        this.#number(this.state.get(p.name) ?? String(p.default), (v) => this.#set(p.name, v), { min: p.min, max: p.max }), p.doc),
      this.#slot(p.name)));
    const [sx, sy] = String(this.state.get('start') ?? s.start.join(',')).split(',');
    const start = (i, v) => {
      const cur = String(this.state.get('start') ?? s.start.join(',')).split(',');
      cur[i] = v;
      this.#set('start', cur.join(','));
    };
    return h('fieldset', { class: 'opt-surface' },
      h('legend', {}, 'Surface'),
      this.#field('surface', 'opt-surface', 'Function', select, s.doc), this.#slot('surface'),
      h('p', { class: 'opt-note', id: 'opt-surface-doc' }, s.doc),
      h('div', { class: 'opt-grid' }, params),
      h('div', { class: 'opt-grid' },
        this.#field('start', 'opt-start-x', 'Start x', this.#number(sx, (v) => start(0, v))),
        this.#field('start', 'opt-start-y', 'Start y', this.#number(sy, (v) => start(1, v)))),
      h('p', { class: 'opt-note' }, 'Or click on the plot to move the start.'),
      this.#slot('start'));
  }

  #reparamSet() {
    const a = String(this.state.get('reparam') ?? '1,0,0,1').split(',');
    const cells = A_CELLS.map(([name, where], i) => h('input', { type: 'number', step: 'any', inputmode: 'decimal',
      id: `opt-${name}`, class: 'opt-a-cell', value: a[i] ?? '', 'aria-label': `A ${where}`,
      'aria-describedby': 'opt-error-reparam', autocomplete: 'off',
      onchange: (e) => {
        const next = String(this.state.get('reparam') ?? '1,0,0,1').split(',');
        next[i] = e.target.value;
        this.#set('reparam', next.join(','));
      } }));
    const current = a.map(Number);
    const presets = this.surf.presets.map((p) => h('button', { type: 'button', class: 'secondary opt-preset',
      id: `opt-preset-${p.key}`, title: p.doc,
      'aria-pressed': String(p.a.every((v, i) => Math.abs(v - current[i]) < 1e-12)),
      onclick: () => this.#set('reparam', p.a.join(',')) }, p.label));
    return h('fieldset', { class: 'opt-reparam' },
      h('legend', {}, 'Reparameterization x = Ay'),
      h('p', { class: 'opt-note' }, 'Each optimizer minimizes h(y) = f(Ay) and its iterates are drawn back in x. GD\'s step in x becomes −lr·AAᵀ∇f; Adam and sign SGD only feel a diagonal A; Newton is unaffected.'),
      h('div', { class: 'opt-a' }, h('span', { class: 'opt-a-label', 'aria-hidden': 'true' }, 'A ='),
        h('div', { class: 'opt-a-matrix', role: 'group', 'aria-label': 'Matrix A' }, cells)),
      this.#slot('reparam'),
      h('div', { class: 'opt-presets', role: 'group', 'aria-label': 'Presets for A' }, presets));
  }

  #racerSet() {
    const max = this.surf.maxRacers;
    const add = h('button', { type: 'button', id: 'opt-add', class: 'secondary', disabled: this.racers.length >= max,
      onclick: () => {
        const used = new Set(this.racers.map((r) => r.kind));
        const next = this.cat.optimizers.find((o) => !used.has(o.key)) || this.cat.optimizers[0];
        this.racers.push({ kind: next.key, hyper: {} });
        this.#changed();
      } }, '+ Add optimizer');
    return h('fieldset', { class: 'opt-racers-set' },
      h('legend', {}, `Optimizers (up to ${max}, same start)`),
      h('ol', { class: 'opt-racers', id: 'opt-racers' }, this.racers.map((r, i) => this.#racerRow(r, i))),
      this.#slot('racers'), add);
  }

  #racerRow(r, i) {
    const opt = this.cat.optimizers.find((o) => o.key === r.kind) || this.cat.optimizers[0];
    const shape = this.surf.shapes[i % this.surf.shapes.length];
    const kind = h('select', { id: `opt-kind-${i}`, 'aria-label': `Optimizer ${i + 1}`,
      onchange: (e) => { this.racers[i] = { kind: e.target.value, hyper: {} }; this.#changed(); } },
    this.cat.optimizers.map((o) => h('option', { value: o.key, title: o.doc, selected: o.key === opt.key }, o.label)));
    // Each optimizer's own hyperparameters, the lr schedule and the Langevin temperature (SGLD, for the cloud);
    // the other shared ones (schedule details, gradient noise) only when the racer's link sets them.
    const shown = (p) => !p.omitDefault || p.name === 'schedule' || p.name === 'temperature' || r.hyper[p.name] !== undefined;
    const params = opt.hyperparams.filter(shown).map((p) => {
      const choice = p.choices?.length > 0;
      const fallback = choice ? p.choices[p.default] : String(p.default);
      const common = { id: `opt-${i}-${p.name}`, 'aria-label': `Optimizer ${i + 1} ${p.label}`,
        'aria-describedby': 'opt-error-racers',
        onchange: (e) => {
          const v = e.target.value.trim();
          if (v === '' || v === fallback || (!choice && Number(v) === p.default)) delete this.racers[i].hyper[p.name];
          else this.racers[i].hyper[p.name] = v;
          this.#changed();
        } };
      const value = r.hyper[p.name] ?? fallback;
      const input = choice
        ? h('select', common, p.choices.map((c) => h('option', { value: c, selected: c === value }, c)))
        : h('input', { ...common, type: 'number', step: 'any', value });
      return h('label', { class: 'opt-hyper', title: p.doc }, h('span', {}, p.name), input);
    });
    const remove = h('button', { type: 'button', class: 'icon opt-remove', 'aria-label': `Remove optimizer ${i + 1}`,
      title: 'Remove', disabled: this.racers.length <= 1,
      onclick: () => { this.racers.splice(i, 1); this.#changed(); } }, '×');
    return h('li', { class: 'opt-racer' },
      h('div', { class: 'opt-racer-head' }, h('span', { class: 'opt-shape', dataset: { racer: String(i) }, 'aria-hidden': 'true' }, shape),
        kind, remove),
      h('div', { class: 'opt-hypers' }, params));
  }

  #runSet() {
    const g = (k, d) => this.state.get(k) ?? d;
    return h('fieldset', { class: 'opt-run' },
      h('legend', {}, 'Run'),
      h('div', { class: 'opt-grid' },
        h('div', {}, this.#field('noise', 'opt-noise', 'Gradient noise σ',
          this.#number(g('noise', '0'), (v) => this.#set('noise', v), { min: 0, max: this.surf.maxNoise }),
          'Gaussian noise of standard deviation σ added to ∇f(x) every step (a stochastic gradient); 0 = exact'),
        this.#slot('noise')),
        h('div', {}, this.#field('seed', 'opt-seed', 'Seed',
          this.#number(g('seed', '1'), (v) => this.#set('seed', v), { min: 0, step: 1, inputmode: 'numeric' }),
          'Seed of the noise: the same seed gives the same run'), this.#slot('seed')),
        h('div', {}, this.#field('spf', 'opt-spf', 'Steps per frame',
          this.#number(g('spf', '2'), (v) => this.#set('spf', v), { min: 1, max: this.surf.maxSpeed, step: 1, inputmode: 'numeric' }),
          'Animation speed: optimizer steps per displayed frame'), this.#slot('spf'))),
      h('label', { class: 'opt-check' },
        h('input', { type: 'checkbox', id: 'opt-cloud', checked: g('cloud', '0') === '1',
          onchange: (e) => this.#set('cloud', e.target.checked ? '1' : '0') }),
        ` Show the last ${this.surf.cloudLen} iterates as a cloud (for noisy methods)`),
      this.#slot('cloud'));
  }

  /** Colour the shape glyphs from the stats (the core picks the colours). */
  setColours(colours) {
    for (const el of this.element.querySelectorAll('.opt-shape')) {
      el.style.color = colours[Number(el.dataset.racer)] || 'inherit';
    }
  }
}
