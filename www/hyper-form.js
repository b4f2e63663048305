// The optimizer's hyperparameter rows: its own parameters first, then the shared lr schedule (only the fields
// the chosen schedule reads are shown) and the update noise in a disclosure that opens when noise is on.

import { h, fieldRow, numberInput, selectInput, rangeDoc } from './dom.js';

/** Shared fields shown only under a condition on the current values (the others always show). */
const SHOWN_WHEN = {
  decay_every: (v) => v.schedule === 'step',
  decay_rate: (v) => v.schedule === 'step',
  horizon: (v) => v.schedule === 'cosine',
  grad_noise_decay: (v) => Number(v.grad_noise) !== 0,
};
/** Shared fields grouped under "Noise in the updates". */
const NOISE = new Set(['grad_noise', 'grad_noise_decay', 'temperature']);

/** One row for hyperparameter `hp`; `onInput(name, value)` on change. */
function hyperRow(hp, onInput) {
  // Choice-valued hyperparameters (the lr schedule) are selects of their keys; the rest numbers.
  const choice = hp.choices?.length > 0;
  const input = choice ? selectInput(hp.choices.map((key) => ({ key }))) : numberInput({ kind: 'float', min: hp.min, max: hp.max });
  input.addEventListener('change', () => onInput(hp.name, input.value));
  const doc = choice ? `${hp.doc || ''} Default ${hp.default}.` :
    rangeDoc(`${hp.doc || ''} Default ${hp.default}.`, hp.min, hp.max, hp.minInclusive !== false);
  return fieldRow({ key: hp.name, id: `field-${hp.name}`, label: hp.label || hp.name, doc, control: input });
}

/** The rows of `hps` (catalog hyperparameters of one optimizer) as children for the hyperparameter box. */
export function hyperRows(hps, onInput) {
  const own = hps.filter((hp) => !hp.omitDefault).map((hp) => hyperRow(hp, onInput));
  const shared = hps.filter((hp) => hp.omitDefault && !NOISE.has(hp.name)).map((hp) => hyperRow(hp, onInput));
  const noise = hps.filter((hp) => NOISE.has(hp.name)).map((hp) => hyperRow(hp, onInput));
  const details = noise.length ? [h('details', { class: 'hyper-noise', id: 'hyper-noise' },
    h('summary', {}, 'Noise in the updates'), ...noise)] : [];
  return [...own, ...shared, ...details];
}

/** Show the conditional rows that apply to `values` and open the noise group when any noise is on. */
export function updateHyperVisibility(box, hps, values) {
  const value = (name) => values[name] ?? String(hps.find((hp) => hp.name === name)?.default ?? '');
  const current = Object.fromEntries(hps.map((hp) => [hp.name, value(hp.name)]));
  for (const [name, when] of Object.entries(SHOWN_WHEN)) {
    const row = box.querySelector(`.field[data-key="${name}"]`);
    if (row) row.hidden = !when(current);
  }
  const details = box.querySelector('#hyper-noise');
  if (details && (Number(current.grad_noise) !== 0 || Number(current.temperature) !== 0)) details.open = true;
}
