// The network diagram's weight editor (www/diagram.js opens it): a small non-modal dialog over the diagram for
// one parameter, or a choice among several (a unit's bias and incoming weights). It validates the value (a finite
// number with |w| ≤ 100, as the core requires), shows problems inline and never throws; the caller applies it.
//
// Ids: #weight-editor (role=dialog) with #weight-editor-title, #weight-editor-link (select, shown when several
// parameters are offered), #weight-editor-current, #weight-editor-value, #weight-editor-error, #weight-editor-ok,
// #weight-editor-cancel. Enter applies, Escape cancels; focus returns to where the editor was opened from.

import { h, fmt } from './dom.js';

/** Largest |w| the core accepts for an edited parameter. */
export const MAX_ABS_WEIGHT = 100;

export class WeightEditor {
  /**
   * @param {{apply: (index: number, value: number) => string, onApplied: (query: string) => void,
   *   onToggle: () => void}} on `apply` sets the parameter and returns the new query (it may throw: the message is
   *   shown inline); `onApplied` runs after a successful edit; `onToggle` after every open and close.
   */
  constructor(on) {
    this.on = on;
    this.state = null; // { entries, returnFocus, unit } while open
    this.title = h('p', { class: 'weight-editor-title', id: 'weight-editor-title' });
    this.select = h('select', { id: 'weight-editor-link', 'aria-label': 'Parameter to edit' });
    this.select.addEventListener('change', () => this.showEntry(Number(this.select.value)));
    this.selectRow = h('label', { class: 'weight-editor-row', for: 'weight-editor-link' }, 'Parameter', this.select);
    this.current = h('span', { id: 'weight-editor-current' });
    this.value = h('input', { type: 'number', id: 'weight-editor-value', step: 'any', min: -MAX_ABS_WEIGHT,
      max: MAX_ABS_WEIGHT, inputmode: 'decimal', autocomplete: 'off', 'aria-describedby': 'weight-editor-error' });
    this.error = h('p', { id: 'weight-editor-error', class: 'field-error', 'aria-live': 'polite', hidden: true });
    const ok = h('button', { type: 'button', id: 'weight-editor-ok', class: 'primary small', onclick: () => this.apply() }, 'OK');
    const cancel = h('button', { type: 'button', id: 'weight-editor-cancel', class: 'small', onclick: () => this.close(true) }, 'Cancel');
    this.element = h('div', { id: 'weight-editor', class: 'weight-editor', role: 'dialog', 'aria-modal': 'false',
      'aria-labelledby': 'weight-editor-title', hidden: true },
    this.title, this.selectRow,
    h('p', { class: 'weight-editor-now' }, 'Current value: ', this.current),
    h('label', { class: 'weight-editor-row', for: 'weight-editor-value' }, 'New value', this.value),
    this.error,
    h('div', { class: 'weight-editor-actions' }, ok, cancel));
    this.element.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); this.close(true); }
      if (e.key === 'Enter' && e.target !== this.select && !(e.target instanceof HTMLButtonElement)) {
        e.preventDefault();
        this.apply();
      }
    });
  }

  get isOpen() {
    return this.state !== null;
  }

  /** The [layer, unit] the open editor is about (highlighted meanwhile), or null. */
  get unit() {
    return this.state?.unit ?? null;
  }

  /**
   * Open on `entries` [{index, value, name, option}] (`option` is the select's text) with a title. Placed beside
   * `box` (a unit's square, CSS px in `stage`: right of it when there is room, else left, else docked under the
   * canvas) or, without a box, beside the point `at`; always inside the stage.
   */
  open({ entries, title, at, box, stage, returnFocus, unit }) {
    this.state = { entries, returnFocus, unit };
    this.select.replaceChildren(...entries.map((en, i) =>
      h('option', { value: i, title: en.name }, `${en.option} (${fmt(en.value, 3)})`)));
    this.selectRow.hidden = entries.length < 2;
    this.title.textContent = title;
    const el = this.element;
    el.hidden = false;
    this.showEntry(0);
    el.classList.remove('docked');
    el.style.left = '';
    el.style.top = '';
    const w = el.offsetWidth;
    const hgt = el.offsetHeight;
    const W = stage.clientWidth;
    let x = at.x + 8;
    let y = at.y + 8;
    if (box) {
      y = box.y;
      if (box.x + box.size + 8 + w <= W) x = box.x + box.size + 8;
      else if (box.x - 8 - w >= 0) x = box.x - 8 - w;
      else x = null;
    }
    if (x === null) {
      el.classList.add('docked');
    } else {
      const H = stage.clientHeight;
      el.style.left = `${Math.min(Math.max(0, W - w - 4), Math.max(4, x))}px`;
      el.style.top = `${Math.min(Math.max(0, H - hgt - 4), Math.max(4, y))}px`;
    }
    this.value.focus();
    this.value.select();
    this.on.onToggle?.();
  }

  showEntry(i) {
    const en = this.state?.entries[i];
    if (!en) return;
    this.select.value = String(i);
    this.current.textContent = fmt(en.value, 6);
    this.value.value = typeof en.value === 'number' ? String(Number(en.value.toPrecision(6))) : '';
    this.setError(null);
  }

  setError(message) {
    this.error.textContent = message ?? '';
    this.error.hidden = !message;
    this.value.setAttribute('aria-invalid', message ? 'true' : 'false');
  }

  apply() {
    if (!this.state) return;
    const en = this.state.entries[Number(this.select.value) || 0];
    const raw = this.value.value.trim();
    const v = raw === '' ? NaN : Number(raw);
    if (!Number.isFinite(v) || Math.abs(v) > MAX_ABS_WEIGHT) {
      const got = raw === '' ? 'nothing' : `“${this.value.value}”`;
      this.setError(`Enter a number with |w| ≤ ${MAX_ABS_WEIGHT} (from −${MAX_ABS_WEIGHT} to ${MAX_ABS_WEIGHT}); got ${got}.`);
      this.value.focus();
      return;
    }
    let query;
    try {
      query = this.on.apply(en.index, v);
    } catch (e) {
      this.setError(e instanceof Error ? e.message : String(e));
      return;
    }
    this.close(true);
    this.on.onApplied?.(query);
  }

  /** Close without applying; `restoreFocus` puts focus back where the editor was opened from. */
  close(restoreFocus) {
    if (!this.state) return;
    const back = this.state.returnFocus;
    this.state = null;
    this.element.hidden = true;
    this.setError(null);
    if (restoreFocus && back?.isConnected && back.tagName !== 'CANVAS') back.focus();
    this.on.onToggle?.();
  }
}
