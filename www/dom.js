// Tiny DOM helpers shared by the labs: element creation, a labelled field row with its inline error slot,
// number inputs and <select>s built from catalog registry lists (never hard-coded option lists).

/** h('div', {class: 'x', onclick: f}, child, 'text') -> HTMLElement. `null`/`false` children are skipped. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** The inline error slot for a config field: `#error-<key>`, announced politely when it changes. */
export function errorSlot(key) {
  return h('p', { id: `error-${key}`, class: 'field-error', 'aria-live': 'polite', hidden: true });
}

/**
 * A labelled row: <label for=id> + control + error slot. The control gets aria-describedby -> error slot and
 * the doc string as its tooltip. `key` names the config field the core reports errors against.
 */
export function fieldRow({ key, id, label, doc, control, error = true, className = '' }) {
  control.id = id;
  if (doc) control.title = doc;
  const slot = error ? errorSlot(key) : null;
  if (slot) control.setAttribute('aria-describedby', slot.id);
  return h(
    'div',
    { class: `field ${className}`.trim(), dataset: { key } },
    h('label', { for: id, title: doc || null }, label),
    control,
    slot,
  );
}

/** A number input for an int/float catalog field (step=any for floats so the browser never second-guesses). */
export function numberInput({ kind, min, max, value, step }) {
  return h('input', {
    type: 'number',
    inputmode: kind === 'int' ? 'numeric' : 'decimal',
    min: Number.isFinite(min) ? min : null,
    max: Number.isFinite(max) ? max : null,
    step: step ?? (kind === 'int' ? 1 : 'any'),
    value: value ?? '',
    autocomplete: 'off',
  });
}

/** A <select> whose options come from a catalog registry list [{key, label, doc}]. */
export function selectInput(entries, value) {
  const sel = h('select', {});
  for (const e of entries) {
    const opt = h('option', { value: e.key, title: e.doc || null }, e.label || e.key);
    sel.append(opt);
  }
  if (value !== undefined) sel.value = value;
  return sel;
}

/** Replace the options of an existing <select>, keeping `value` if it is still offered. */
export function setOptions(sel, entries, value) {
  sel.replaceChildren(...entries.map((e) => h('option', { value: e.key, title: e.doc || null }, e.label || e.key)));
  if (entries.some((e) => e.key === value)) sel.value = value;
}

/** Format a number for display: short, stable width, never "NaN" surprises. */
export function fmt(x, digits = 4) {
  if (x === null || x === undefined || Number.isNaN(x)) return '—';
  if (typeof x !== 'number') return String(x);
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  const ax = Math.abs(x);
  if (ax >= 1e4 && ax < 1e15) return Math.round(x).toLocaleString('en-US');
  if (ax !== 0 && (ax < 1e-3 || ax >= 1e15)) return x.toExponential(2);
  return x.toPrecision(digits).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
}

/** ["a", "b", "c"] -> "a, b and c". */
export function joinWords(words) {
  return words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

/** The message of a thrown value (an Error, a string, or anything JSON can show). */
export function messageOf(e) {
  if (e instanceof Error) return e.message;
  if (typeof e === 'string') return e;
  try {
    return JSON.stringify(e);
  } catch {
    return String(e);
  }
}

/** "doc Range [a, b]." for tooltips. */
export function rangeDoc(doc, min, max, minInclusive) {
  const hasMin = Number.isFinite(min);
  const hasMax = Number.isFinite(max);
  if (!hasMin && !hasMax) return doc || '';
  const lo = hasMin ? `${minInclusive ? '[' : '('}${min}` : '(−∞';
  const hi = hasMax ? `${max}]` : '∞)';
  return `${doc || ''} Range ${lo}, ${hi}.`.trim();
}
