// The Playground's settings form, generated from the catalog JSON: groups of labelled controls, the input-feature
// toggles, the hidden-layer editor, the per-layer dropout editor, the optimizer's hyperparameters and the stop-at
// control. It holds a plain model {values, layers, drop}, converts it to and from a query string, and shows the
// core's errors inline. The data-and-weights state (`pts`, `del`, `edits`, `weights`) rides along in the model
// without a control: clicks on the plot, the diagram and the weight buttons set it (through the lab). So do the
// display options (`test-points`, `discretize`, `legend`): their checkboxes sit above the data plot (the view)
// and report through setValue().
//
// What an edit drops (the lab shows a notice naming it): a new data set drops the clicked and removed points, the
// weight edits, the frozen weights and the features the new set cannot use; a new network shape (hidden layers,
// widths, features, normalization) drops the weight edits and the frozen weights, which would no longer fit.

import { h, fieldRow, errorSlot, numberInput, selectInput, setOptions, rangeDoc } from './dom.js';
import { hyperRows, updateHyperVisibility } from './hyper-form.js';
import { splitQuery, joinQuery, splitList, parseNoiseItem, formatNoiseItem } from './query.js';
import { FeatureToggles, StopControl, RescaleControl, featureFits, setValue } from './form-extras.js';

/** Which fields go in which group; fields the catalog adds later land in "More". `@hyper` = optimizer params. */
const GROUPS = [
  { id: 'data', title: 'Data', keys: ['dataset', 'n', 'noise', 'test', 'seed'] },
  { id: 'features', title: 'Input features', keys: ['feat'] },
  { id: 'network', title: 'Network', keys: ['hidden', 'act', 'init', 'head', 'bn', 'rescale'] },
  { id: 'dropout', title: 'Dropout and noise', keys: ['drop', 'dscale', 'wnoise'] },
  { id: 'regularization', title: 'Regularization', keys: ['reg', 'lambda'] },
  { id: 'optimizer', title: 'Optimizer', keys: ['opt', '@hyper', 'batch'] },
  { id: 'training', title: 'Training', keys: ['stop'] },
];
/** State carried in the query without a control of its own (see the file comment). */
export const STATE_KEYS = ['pts', 'del', 'edits', 'weights'];
/** What each state key is, for notices. */
export const STATE_NAMES = { pts: 'clicked points', del: 'removed points', edits: 'weight edits', weights: 'frozen weights' };
/** Display options: page state in the URL, shown by the view's toggles, applied without a new run. */
export const DISPLAY_KEYS = ['test-points', 'discretize', 'legend'];
/** Keys that change the parameter count (and so invalidate edits and frozen weights): hidden layers and widths,
 *  the input features, and batch normalization (γ, β per hidden unit). */
const SHAPE_KEYS = new Set(['hidden', 'feat', 'bn']);

const LIST_KEYS = new Set(['hidden', 'act', 'drop']);
const DEFAULT_MAX_LAYERS = 6;

/** Parameter of each noise kind in the `drop` list (the URL table: b = keep p ∈ (0, 1], g = σ ∈ [0, 2]). */
const NOISE_PARAM = {
  bernoulli: { label: 'keep p', initial: '0.5', min: 0, max: 1, step: 0.05 },
  gaussian: { label: 'σ', initial: '0.3', min: 0, max: 2, step: 0.05 },
};
const NOISE_FALLBACK = { label: 'value', initial: '0.5', min: 0, max: 2, step: 0.05 };

export class ConfigForm {
  /** @param {object} catalog parsed catalog JSON; @param {(key: string) => void} onChange called after each edit. */
  constructor(catalog, onChange) {
    this.cat = catalog;
    this.onChange = onChange;
    this.fields = new Map(catalog.fields.map((f) => [f.key, f]));
    this.maxLayers = this.fields.get('hidden')?.maxItems ?? DEFAULT_MAX_LAYERS;
    this.model = { values: {}, layers: [], drop: [] };
    this.inputs = new Map(); // scalar key -> input/select
    this.element = h('form', { class: 'controls', id: 'controls', 'aria-label': 'Playground settings', novalidate: true,
      onsubmit: (e) => e.preventDefault() });
    this.#build();
  }

  // ---- model <-> query -------------------------------------------------------------------------------------

  /** Load a canonical query into the model and the controls. */
  setQuery(q) {
    const m = splitQuery(q);
    const values = {};
    for (const [k, v] of m) if (!LIST_KEYS.has(k)) values[k] = v;
    const widths = splitList(m.get('hidden'));
    const acts = splitList(m.get('act'));
    const defAct = acts[0] || this.#defaultOf('act', this.cat.activations[0]?.key);
    const layers = widths.map((w, i) => ({ width: w, act: acts.length === widths.length ? acts[i] : defAct }));
    // One drop value applies to every hidden layer and the input gets none (the core's compressed form).
    let items = splitList(m.get('drop'));
    if (items.length === 1 && layers.length > 0) items = ['none', ...layers.map(() => items[0])];
    const drop = Array.from({ length: layers.length + 1 }, (_, i) => parseNoiseItem(items[i], this.cat.noiseKinds));
    this.model = { values, layers, drop, lastAct: defAct };
    this.render();
  }

  /** The model as a query (the core canonicalises it). Lists are written in full; act is omitted with no layers. */
  toQuery() {
    const { values, layers, drop } = this.model;
    const pairs = [];
    for (const f of this.cat.fields) {
      if (f.key === 'hidden') pairs.push(['hidden', layers.map((l) => l.width).join(',')]);
      else if (f.key === 'act') { if (layers.length) pairs.push(['act', layers.map((l) => l.act).join(',')]); }
      else if (f.key === 'drop') pairs.push(['drop', drop.map(formatNoiseItem).join(',')]);
      else if (values[f.key] !== undefined) pairs.push([f.key, values[f.key]]);
    }
    for (const hp of this.#hyperparams()) if (values[hp.name] !== undefined) pairs.push([hp.name, values[hp.name]]);
    return joinQuery(pairs);
  }

  /** Keys that can change without recreating the Playground: the penalty, the optimizer's hyperparameters and the
   *  stop-at condition. */
  liveKeys() {
    return new Set(['reg', 'lambda', 'stop', ...DISPLAY_KEYS, ...this.#hyperparams().map((hp) => hp.name)]);
  }

  /** Set one value without a control of its own (the display toggles) and report the change. */
  setValue(key, value) {
    this.model.values[key] = String(value);
    this.onChange(key, {});
  }

  /** The catalog default of a field, as query text. */
  defaultValue(key) {
    const d = this.fields.get(key)?.default;
    return d === undefined || d === null ? undefined : String(d);
  }

  /** The dataset entry currently selected. */
  dataset() {
    return this.cat.datasets.find((d) => d.key === this.model.values.dataset) || this.cat.datasets[0];
  }

  // ---- errors ------------------------------------------------------------------------------------------------

  clearErrors() {
    for (const el of this.element.querySelectorAll('.field-error')) { el.textContent = ''; el.hidden = true; }
    for (const el of this.element.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  }

  /** Show [{field, message}] next to their controls; returns the ones with no control (for the banner). */
  showErrors(errors) {
    const unplaced = [];
    for (const e of errors) {
      const key = String(e.field || '').replace(/[[.].*$/, '');
      const slot = key && this.element.querySelector(`#error-${CSS.escape(key)}`);
      if (!slot) { unplaced.push(e); continue; }
      slot.textContent = slot.hidden ? e.message : `${slot.textContent} ${e.message}`;
      slot.hidden = false;
      const ctl = this.element.querySelector(`#field-${CSS.escape(key)}`);
      if (ctl) ctl.setAttribute('aria-invalid', 'true');
    }
    return unplaced;
  }

  // ---- building ----------------------------------------------------------------------------------------------

  #defaultOf(key, fallback) {
    const d = this.fields.get(key)?.default;
    return d !== undefined && d !== null && d !== '' ? String(d).split(',')[0] : fallback;
  }

  #hyperparams() {
    const opt = this.cat.optimizers.find((o) => o.key === this.model.values.opt) || this.cat.optimizers[0];
    return opt?.hyperparams || [];
  }

  #build() {
    const placed = new Set([...GROUPS.flatMap((g) => g.keys), ...STATE_KEYS, ...DISPLAY_KEYS]);
    const extra = this.cat.fields.map((f) => f.key).filter((k) => !placed.has(k));
    const groups = extra.length ? [...GROUPS, { id: 'more', title: 'More', keys: extra }] : GROUPS;
    for (const g of groups) {
      if (!g.keys.some((k) => k === '@hyper' || this.fields.has(k))) continue;
      const fs = h('fieldset', { class: `group group-${g.id}`, id: `group-${g.id}` }, h('legend', {}, g.title));
      for (const key of g.keys) {
        if (key === '@hyper') { this.hyperBox = h('div', { class: 'hyper', id: 'hyperparams' }); fs.append(this.hyperBox); continue; }
        const f = this.fields.get(key);
        if (!f) continue;
        if (key === 'hidden') fs.append(this.#layersBlock(f));
        else if (key === 'feat') {
          this.features = new FeatureToggles(f, (keys) => { this.model.values.feat = keys.join(','); this.#shapeChanged('feat'); });
          fs.append(this.features.element);
        } else if (key === 'stop') {
          this.stop = new StopControl(f, (value) => { this.model.values.stop = value; this.render(); this.onChange('stop', {}); });
          fs.append(this.stop.element);
        } else if (key === 'rescale') {
          this.rescale = new RescaleControl(f, (value) => { this.model.values.rescale = value; this.render(); this.onChange('rescale', {}); });
          fs.append(this.rescale.element);
        }
        else if (key === 'act') continue; // edited per layer inside the hidden-layer block
        else if (key === 'drop') fs.append(this.#dropBlock(f));
        else fs.append(this.#scalarRow(f));
      }
      this.element.append(fs);
    }
  }

  #scalarRow(f) {
    // The optimizer select offers only the optimizers that train networks (the catalog's `network` flag).
    const list = f.choices === 'optimizers' ? this.cat.optimizers.filter((o) => o.network !== false)
      : f.choices ? this.cat[f.choices] : null;
    const control = f.kind === 'choice' && Array.isArray(list) ? selectInput(list) :
      (f.kind === 'int' || f.kind === 'float') ? numberInput({ kind: f.kind, min: f.min, max: f.max }) :
        h('input', { type: 'text', autocomplete: 'off', spellcheck: 'false' });
    const doc = rangeDoc(f.doc, f.min, f.max, true);
    control.addEventListener('change', () => this.#onScalar(f.key, control.value));
    this.inputs.set(f.key, control);
    const row = fieldRow({ key: f.key, id: `field-${f.key}`, label: f.label || f.key, doc, control });
    control.dataset.doc = doc;
    if (f.key === 'seed') {
      row.classList.add('with-button');
      const btn = h('button', { type: 'button', id: 'new-seed', class: 'small', title: 'Draw a fresh random seed (new data and initial weights)',
        onclick: () => {
          const seed = Math.floor(Math.random() * 1_000_000);
          control.value = String(seed);
          this.#onScalar('seed', control.value);
        } }, 'New seed');
      control.after(btn);
    }
    return row;
  }

  #onScalar(key, value) {
    const v = this.model.values;
    v[key] = value;
    let dropped = [];
    if (key === 'dataset') {
      const heads = this.#headsFor(this.dataset().task);
      if (!heads.some((x) => x.key === v.head)) delete v.head; // the core picks the task's default head
      dropped = this.dropState(STATE_KEYS);
      const before = v.feat === undefined ? null : splitList(v.feat);
      if (before) {
        const usable = this.#usableFeatures().map((f) => f.key);
        const kept = before.filter((k) => usable.includes(k));
        // Only x1-based features survive a switch to a 1-D set; a plain x1 becomes the 2-D default (x1, x2).
        const twoD = (this.dataset()?.inputDim ?? 2) >= 2;
        if (kept.length === 0 || (twoD && kept.join(',') === 'x1')) delete v.feat;
        else v.feat = kept.join(',');
        // Losing x2 from the 2-D default is no news; losing a chosen feature is.
        if (kept.length < before.length && before.join(',') !== 'x1,x2') dropped.push('feat');
      }
    }
    if (key === 'opt') {
      for (const o of this.cat.optimizers) for (const hp of o.hyperparams) delete v[hp.name];
      for (const hp of this.#hyperparams()) v[hp.name] = String(hp.default);
    }
    if (SHAPE_KEYS.has(key)) dropped = this.dropState(['edits', 'weights']);
    this.render();
    this.onChange(key, { dropped });
  }

  /** Remove `keys` from the model; returns those that were set (for a notice). */
  dropState(keys) {
    const v = this.model.values;
    const had = keys.filter((k) => v[k] !== undefined && v[k] !== '');
    for (const k of keys) delete v[k];
    return had;
  }

  /** A shape change (layers, widths, features): edits and frozen weights no longer fit, so they go. */
  #shapeChanged(key) {
    const dropped = SHAPE_KEYS.has(key) ? this.dropState(['edits', 'weights']) : [];
    this.onChange(key, { dropped });
  }

  /** Replace the hidden layers with [{width, act}] (the diagram's +/- buttons), keeping per-layer noise where a
   *  layer survives, then report the change like the form's own layer controls. */
  setLayers(spec) {
    const layers = spec.slice(0, this.maxLayers).map((l) => ({ width: String(l.width), act: String(l.act || this.model.lastAct || 'tanh') }));
    const drop = this.model.drop.slice(0, layers.length + 1);
    while (drop.length < layers.length + 1) drop.push({ kind: 'none', value: '' });
    this.model.layers = layers;
    this.model.drop = drop;
    this.render();
    this.#shapeChanged('hidden');
  }

  /** Catalog features usable on the selected data set (1-D sets: those of x1 only), in catalog order. */
  #usableFeatures() {
    const dim = this.dataset()?.inputDim ?? 2;
    return (this.cat.features || []).filter((f) => featureFits(f, dim));
  }

  /** The features in the query, or the core's default for the data set when the query has none. */
  #selectedFeatures() {
    const v = this.model.values.feat;
    if (v !== undefined) return splitList(v);
    return (this.dataset()?.inputDim ?? 2) === 1 ? ['x1'] : ['x1', 'x2'];
  }

  #headsFor(task) {
    return this.cat.heads.filter((x) => !Array.isArray(x.tasks) || x.tasks.includes(task));
  }

  #layersBlock(f) {
    const act = this.fields.get('act');
    this.layersList = h('ol', { class: 'layers', id: 'field-hidden', 'aria-label': 'Hidden layers, input side first' });
    this.addLayerBtn = h('button', { type: 'button', id: 'add-layer', class: 'small', title: `Add a hidden layer (at most ${this.maxLayers})`,
      onclick: () => this.#addLayer() }, '+ Add layer');
    this.layerCount = h('span', { class: 'muted', id: 'layer-count', 'aria-live': 'polite' });
    return h('div', { class: 'field field-list', dataset: { key: 'hidden' } },
      h('div', { class: 'list-head' }, h('span', { class: 'label', title: f.doc || null }, f.label || 'Hidden layers'), this.layerCount),
      this.layersList,
      h('div', { class: 'list-actions' }, this.addLayerBtn),
      errorSlot('hidden'), act ? errorSlot('act') : null);
  }

  #addLayer() {
    const { layers, drop } = this.model;
    if (layers.length >= this.maxLayers) return;
    const last = layers[layers.length - 1];
    layers.push({ width: last ? last.width : '4', act: last ? last.act : this.model.lastAct || 'tanh' });
    drop.push({ kind: 'none', value: '' });
    this.render();
    this.#shapeChanged('hidden');
  }

  #removeLayer(i) {
    const { layers, drop } = this.model;
    if (layers[i]) this.model.lastAct = layers[i].act;
    layers.splice(i, 1);
    drop.splice(i + 1, 1);
    this.render();
    this.#shapeChanged('hidden');
    const next = this.element.querySelector(`#remove-layer-${Math.min(i, layers.length - 1)}`) || this.addLayerBtn;
    next.focus();
  }

  #renderLayers() {
    const f = this.fields.get('hidden');
    const wMin = Number.isFinite(f?.min) ? f.min : 1;
    const wMax = Number.isFinite(f?.max) ? f.max : 256;
    const layers = this.model.layers;
    if (this.layersList.children.length !== layers.length) {
      // Rebuild only when the structure changes; otherwise update in place so focus and tab order survive.
      const rows = layers.map((_, i) => {
        const width = numberInput({ kind: 'int', min: wMin, max: wMax });
        width.addEventListener('change', () => { this.model.layers[i].width = width.value; this.#shapeChanged('hidden'); });
        const act = selectInput(this.cat.activations);
        act.addEventListener('change', () => {
          this.model.layers[i].act = act.value;
          this.model.lastAct = act.value;
          this.onChange('act');
        });
        const rm = h('button', { type: 'button', class: 'icon', id: `remove-layer-${i}`, 'aria-label': `Remove hidden layer ${i + 1}`,
          title: `Remove hidden layer ${i + 1}`, onclick: () => this.#removeLayer(i) }, '×');
        return h('li', { class: 'layer-row' },
          h('span', { class: 'layer-name', 'aria-hidden': 'true' }, `${i + 1}`),
          fieldRow({ key: 'hidden', id: `field-hidden-${i}`, label: 'Width', doc: rangeDoc(`Units in hidden layer ${i + 1}.`, wMin, wMax, true),
            control: width, error: false, className: 'compact' }),
          fieldRow({ key: 'act', id: `field-act-${i}`, label: 'Activation', doc: `Activation of hidden layer ${i + 1}.`,
            control: act, error: false, className: 'compact' }),
          rm);
      });
      this.layersList.replaceChildren(...rows);
      for (const c of this.layersList.querySelectorAll('input, select')) {
        c.setAttribute('aria-describedby', c.tagName === 'INPUT' ? 'error-hidden' : 'error-act');
      }
    }
    layers.forEach((layer, i) => {
      setValue(this.layersList.querySelector(`#field-hidden-${i}`), layer.width);
      setValue(this.layersList.querySelector(`#field-act-${i}`), layer.act);
    });
    const n = layers.length;
    this.layerCount.textContent = n === 0 ? 'none: a linear model' : `${n} of ${this.maxLayers}`;
    this.addLayerBtn.disabled = n >= this.maxLayers;
  }

  #dropBlock(f) {
    this.dropList = h('ol', { class: 'drops', id: 'field-drop', 'aria-label': 'Noise on each layer input' });
    return h('div', { class: 'field field-list', dataset: { key: 'drop' } },
      h('div', { class: 'list-head' }, h('span', { class: 'label', title: f.doc || null }, f.label || 'Noise per layer input')),
      this.dropList, errorSlot('drop'));
  }

  #renderDrop() {
    const drop = this.model.drop;
    const shape = drop.map((d) => d.kind).join(',');
    if (this.dropShape !== shape) {
      this.dropShape = shape;
      const rows = drop.map((item, i) => {
        const where = i === 0 ? 'Input' : `Hidden ${i}`;
        const kind = selectInput(this.cat.noiseKinds);
        kind.addEventListener('change', () => {
          const d = this.model.drop[i];
          d.kind = kind.value;
          d.value = d.kind === 'none' ? '' : (NOISE_PARAM[d.kind] || NOISE_FALLBACK).initial;
          this.render();
          this.onChange('drop');
        });
        let valueRow = null;
        if (item.kind !== 'none') {
          const param = NOISE_PARAM[item.kind] || NOISE_FALLBACK;
          const value = numberInput({ kind: 'float', min: param.min, max: param.max, step: param.step });
          value.addEventListener('change', () => { this.model.drop[i].value = value.value; this.onChange('drop'); });
          valueRow = fieldRow({ key: 'drop', id: `field-drop-${i}-value`, label: param.label,
            doc: rangeDoc(`${where}: ${param.label}.`, param.min, param.max, item.kind !== 'bernoulli'),
            control: value, error: false, className: 'compact' });
        }
        const what = i === 0 ? 'the network input' : `the output of hidden layer ${i}`;
        return h('li', { class: 'drop-row' },
          fieldRow({ key: 'drop', id: `field-drop-${i}`, label: where, doc: `Multiplicative noise on ${what}.`,
            control: kind, error: false, className: 'compact' }),
          valueRow);
      });
      this.dropList.replaceChildren(...rows);
      for (const c of this.dropList.querySelectorAll('input, select')) c.setAttribute('aria-describedby', 'error-drop');
    }
    drop.forEach((item, i) => {
      setValue(this.dropList.querySelector(`#field-drop-${i}`), item.kind);
      const v = this.dropList.querySelector(`#field-drop-${i}-value`);
      if (v) setValue(v, item.value);
    });
  }

  #renderHyper() {
    if (!this.hyperBox) return;
    const hps = this.#hyperparams();
    const shape = hps.map((hp) => hp.name).join(',');
    if (this.hyperShape !== shape) {
      this.hyperShape = shape;
      this.hyperBox.replaceChildren(...hyperRows(hps, (name, value) => { this.model.values[name] = value; this.onChange(name); }));
    }
    for (const hp of hps) setValue(this.hyperBox.querySelector(`#field-${CSS.escape(hp.name)}`), this.model.values[hp.name] ?? String(hp.default));
    updateHyperVisibility(this.hyperBox, hps, this.model.values);
  }

  /** Push the model into the controls, rebuilding the dynamic parts; keeps keyboard focus on the same id. */
  render() {
    const focusId = document.activeElement && this.element.contains(document.activeElement) ? document.activeElement.id : null;
    const v = this.model.values;
    const headSel = this.inputs.get('head');
    const task = this.dataset()?.task;
    if (headSel && this.headTask !== task) {
      this.headTask = task;
      setOptions(headSel, this.#headsFor(task), v.head);
    }
    for (const [key, el] of this.inputs) {
      // Fields the query omits at their default (bn, wnoise) show the default.
      const value = v[key] ?? (this.fields.get(key)?.omitDefault ? this.defaultValue(key) : undefined);
      if (value !== undefined) setValue(el, value);
      if (el.tagName === 'SELECT') {
        const list = this.cat[this.fields.get(key)?.choices] || [];
        const entry = list.find((e) => e.key === el.value);
        const f = this.fields.get(key);
        el.title = entry?.doc ? `${f?.doc || ''} — ${entry.label}: ${entry.doc}` : (f?.doc || '');
      }
    }
    // Click-only sets generate nothing: the sample count and the noise do not apply to them.
    const clickOnly = this.dataset()?.generated === false;
    for (const key of ['n', 'noise']) {
      const el = this.inputs.get(key);
      if (!el) continue;
      el.disabled = clickOnly;
      el.title = clickOnly ? 'Not used by a click-only data set: its points are the ones you click.' : (el.dataset.doc || '');
    }
    this.features?.render(this.#usableFeatures(), this.#selectedFeatures());
    this.#renderLayers();
    this.#renderDrop();
    this.#renderHyper();
    this.stop?.render(this.model.values.stop);
    this.rescale?.render(this.model.values.rescale);
    if (focusId) {
      const again = document.getElementById(focusId);
      if (again && again !== document.activeElement) again.focus();
    }
  }
}
