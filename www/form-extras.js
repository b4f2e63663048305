// Settings controls that are not one input per field: the input-feature toggles (`feat`, a row of labelled
// checkboxes), and a kind plus a number for the stop-at condition (`stop`) and the rescaling of the initial
// network (`rescale`), plus the value helper the form shares.
// Each owns its elements and reports a new value through a callback; the form (controls.js) owns the model.

import { h, fieldRow, errorSlot, numberInput, selectInput } from './dom.js';
import { parseStop, formatStop } from './query.js';

/** Whether a catalog feature can be used on a data set with `dim` inputs (catalog `inputDims`; without it, any
 *  feature of x2 needs two inputs). */
export function featureFits(f, dim) {
  if (Array.isArray(f.inputDims)) return f.inputDims.includes(dim);
  return dim >= 2 || !/2/.test(f.key);
}

/** `#field-feat`: one checkbox `#feat-<key>` per usable feature, the count in `#feat-count`, errors in `#error-feat`. */
export class FeatureToggles {
  /** @param {object} field the catalog's `feat` field; @param {(keys: string[]) => void} onChange checked keys */
  constructor(field, onChange) {
    this.onChange = onChange;
    this.box = h('div', { class: 'features', id: 'field-feat', role: 'group', 'aria-label': 'Input features',
      'aria-describedby': 'error-feat' });
    this.count = h('span', { class: 'muted', id: 'feat-count', 'aria-live': 'polite' });
    this.element = h('div', { class: 'field field-list', dataset: { key: 'feat' } },
      h('div', { class: 'list-head' }, h('span', { class: 'label', title: field.doc || null }, field.label || 'Input features'), this.count),
      this.box, errorSlot('feat'));
  }

  /** Show the `usable` catalog features (rebuilt only when the list changes), `selected` keys checked. */
  render(usable, selected) {
    const shape = usable.map((f) => f.key).join(',');
    if (this.shape !== shape) {
      this.shape = shape;
      this.box.replaceChildren(...usable.map((f) => {
        const box = h('input', { type: 'checkbox', id: `feat-${f.key}`, value: f.key });
        box.addEventListener('change', () => {
          const keys = [...this.box.querySelectorAll('input')].filter((b) => b.checked).map((b) => b.value);
          this.#showCount(keys.length);
          this.onChange(keys);
        });
        return h('label', { class: 'feat', for: `feat-${f.key}`, title: f.doc || null }, box,
          h('span', { class: 'feat-name' }, f.label || f.key));
      }));
    }
    const on = new Set(selected);
    for (const box of this.box.querySelectorAll('input')) box.checked = on.has(box.value);
    this.#showCount(on.size);
  }

  #showCount(n) {
    this.count.textContent = `${n} input${n === 1 ? '' : 's'}`;
  }
}

/** Stop-at kinds: the `stop` value is `none`, `epochs:N` or `loss:L` (ranges: the core's, in its messages). */
const STOP_KINDS = [
  { key: 'none', label: 'Never' },
  { key: 'epochs', label: 'After N epochs', param: 'epochs', initial: '100', kind: 'int', min: 1,
    title: 'Stop once this many epochs are done (an integer ≥ 1).' },
  { key: 'loss', label: 'At train loss ≤', param: 'train loss', initial: '0.05', kind: 'float', min: 0,
    title: 'Stop at the first epoch whose train loss is at most this (a number > 0).' },
];

/** Rescaling kinds: the `rescale` value is `none`, a scale `s` or `random:σ` (ranges: the core's). */
const RESCALE_KINDS = [
  { key: 'none', label: 'None' },
  { key: 'scale', label: 'Scale s', param: 's', initial: '2', kind: 'float', min: 0.01, max: 100,
    title: 'Scale every hidden unit by s in [0.01, 100]: incoming weights and bias × s, outgoing × 1/s.' },
  { key: 'random', label: 'Random σ', param: 'σ', initial: '0.5', kind: 'float', min: 0, max: 2,
    title: 'Scale each hidden unit by its own random e^(σε), σ in [0, 2].' },
];

/** `rescale` value -> {kind, value}. */
function parseRescale(text) {
  const t = String(text ?? '').trim();
  if (t === '' || t === 'none') return { kind: 'none', value: '' };
  if (t.startsWith('random:')) return { kind: 'random', value: t.slice('random:'.length) };
  return { kind: 'scale', value: t };
}

function formatRescale(kind, value) {
  if (kind === 'random') return `random:${value}`;
  return kind === 'scale' ? value : 'none';
}

/** A field whose value is a kind plus (for some kinds) a number: `#field-<key>` (the kind) and
 *  `#field-<key>-value`, errors in `#error-<key>`. */
class KindValueControl {
  /**
   * @param {{key: string, label: string, doc: string, kinds: object[], parse: (v: string) => {kind, value},
   *   format: (kind: string, value: string) => string, valueLabel: string}} spec
   * @param {(value: string) => void} onChange the field's new query value
   */
  constructor(spec, onChange) {
    this.spec = spec;
    this.kind = selectInput(spec.kinds.map((k) => ({ ...k, doc: k.doc ?? k.title })));
    this.value = numberInput({ kind: 'float', min: 0 });
    this.value.id = `field-${spec.key}-value`;
    this.value.setAttribute('aria-describedby', `error-${spec.key}`);
    this.valueLabel = h('label', { for: this.value.id, class: 'sr-only' }, spec.valueLabel);
    this.element = fieldRow({ key: spec.key, id: `field-${spec.key}`, label: spec.label, doc: spec.doc, control: this.kind });
    this.kind.after(this.valueLabel, this.value);
    this.element.classList.add('with-button');
    this.kind.addEventListener('change', () => {
      const kind = spec.kinds.find((k) => k.key === this.kind.value) || spec.kinds[0];
      onChange(spec.format(kind.key, kind.initial || ''));
    });
    this.value.addEventListener('change', () => onChange(spec.format(this.kind.value, this.value.value.trim())));
  }

  /** Show a query value. */
  render(text) {
    const { kinds, parse } = this.spec;
    const { kind, value } = parse(text);
    const entry = kinds.find((k) => k.key === kind) || kinds[0];
    setValue(this.kind, entry.key);
    this.value.hidden = !entry.param;
    if (!entry.param) return;
    this.value.step = entry.kind === 'int' ? '1' : 'any';
    this.value.min = String(entry.min);
    if (entry.max !== undefined) this.value.max = String(entry.max); else this.value.removeAttribute('max');
    this.valueLabel.textContent = entry.param;
    this.value.title = entry.title;
    setValue(this.value, value);
  }
}

/** Stop-at: `#field-stop` (the kind) and `#field-stop-value` (N or L), errors in `#error-stop`. */
export class StopControl extends KindValueControl {
  /** @param {object} field the catalog's `stop` field; @param {(value: string) => void} onChange new `stop` value */
  constructor(field, onChange) {
    super({ key: 'stop', label: field.label || 'Stop at', kinds: STOP_KINDS, parse: parseStop, format: formatStop,
      valueLabel: 'Stop value',
      doc: field.doc || 'Stop training after a number of epochs or once the train loss reaches a target.' }, onChange);
  }
}

/** Rescaling of the initial network: `#field-rescale` (none / scale / random) and `#field-rescale-value` (s or
 *  σ), errors in `#error-rescale` (the core names the range, or the activations a node rescaling needs). */
export class RescaleControl extends KindValueControl {
  /** @param {object} field the catalog's `rescale` field; @param {(value: string) => void} onChange new value */
  constructor(field, onChange) {
    super({ key: 'rescale', label: field.label || 'Rescale initial units', kinds: RESCALE_KINDS, parse: parseRescale,
      format: formatRescale, valueLabel: 'Rescale value', doc: field.doc || '' }, onChange);
  }
}

/** Set a control's value only when it differs (keeps the caret and avoids needless events). Number inputs
 *  compare by value and show the short form (the query's 0.00000001 shows as 1e-8). */
export function setValue(el, value) {
  if (!el || value === undefined) return;
  const text = String(value);
  if (el.type === 'number') {
    if (el.value !== '' && text !== '' && Number(el.value) === Number(text)) return;
    el.value = compactNumber(text);
  } else if (el.value !== text) {
    el.value = text;
  }
}

/** "0.00000001" -> "1e-8", "0.001" -> "0.001": JavaScript's shortest form of a plain decimal; other text as is. */
export function compactNumber(text) {
  const t = String(text).trim();
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return t;
  const n = Number(t);
  return Number.isFinite(n) ? String(n) : t;
}
