// Keyboard entry of a data point, the equivalent of clicking the data plot: `#add-point-form` with x and y
// number inputs (`#add-point-x`, `#add-point-y`; on 1-D sets y is the target) and an "Add point" button
// (`#add-point`); the class is the bar's class select. Values outside the data set's plot domain are refused
// inline in `#error-add-point`, naming the range, before the core sees them; the core's own refusals (too many
// points) land there too.

import { h, numberInput } from './dom.js';

export class PointForm {
  /**
   * @param {(x: number, y: number) => string} onAdd adds the point; returns an error message, or '' when added
   */
  constructor(onAdd) {
    this.onAdd = onAdd;
    this.domain = [-6, 6, -6, 6];
    const input = (id) => {
      const el = numberInput({ kind: 'float' });
      el.id = id;
      el.setAttribute('aria-describedby', 'error-add-point');
      el.classList.add('coord');
      return el;
    };
    this.x = input('add-point-x');
    this.y = input('add-point-y');
    this.xLabel = h('label', { for: 'add-point-x' }, 'x');
    this.yLabel = h('label', { for: 'add-point-y' }, 'y');
    this.button = h('button', { type: 'submit', id: 'add-point', class: 'small' }, 'Add point');
    this.error = h('p', { id: 'error-add-point', class: 'field-error', 'aria-live': 'polite', hidden: true });
    this.element = h('form', { id: 'add-point-form', class: 'point-form', 'aria-label': 'Add a data point', novalidate: true },
      h('span', { class: 'inline' }, this.xLabel, this.x), h('span', { class: 'inline' }, this.yLabel, this.y), this.button,
      this.error);
    this.element.addEventListener('submit', (e) => {
      e.preventDefault();
      this.submit();
    });
  }

  /** Ranges and labels for a catalog dataset entry (its `domain` is [x_min, x_max, y_min, y_max]). */
  setDataset(d) {
    if (Array.isArray(d?.domain) && d.domain.length === 4) this.domain = d.domain;
    const [x0, x1, y0, y1] = this.domain;
    const regression = d?.task === 'regression';
    this.yLabel.textContent = regression ? 'y (target)' : 'y';
    for (const [el, lo, hi, name] of [[this.x, x0, x1, 'x'], [this.y, y0, y1, regression ? 'the target y' : 'y']]) {
      el.min = String(lo);
      el.max = String(hi);
      el.title = `${name}: a number in [${lo}, ${hi}]`;
      el.placeholder = `${lo} to ${hi}`;
    }
    this.showError('');
  }

  /** Check both coordinates against the domain, then add the point. */
  submit() {
    const [x0, x1, y0, y1] = this.domain;
    const bad = [];
    const read = (el, name, lo, hi) => {
      const text = el.value.trim();
      const v = Number(text);
      const ok = text !== '' && Number.isFinite(v) && v >= lo && v <= hi;
      if (ok) el.removeAttribute('aria-invalid'); else el.setAttribute('aria-invalid', 'true');
      if (!ok) {
        const got = text === '' ? (el.validity?.badInput ? 'not a number' : 'empty') : text;
        bad.push({ el, message: `${name} must be a number in [${lo}, ${hi}] (the plot's range), not ${got}.` });
      }
      return v;
    };
    const x = read(this.x, 'x', x0, x1);
    const y = read(this.y, this.yLabel.textContent === 'y' ? 'y' : 'The target y', y0, y1);
    if (bad.length) {
      this.showError(bad.map((b) => b.message).join(' '));
      bad[0].el.focus();
      return;
    }
    const message = this.onAdd(x, y);
    this.showError(message || '');
    if (message) this.x.setAttribute('aria-invalid', 'true');
  }

  showError(message) {
    this.error.textContent = message;
    this.error.hidden = !message;
    if (!message) {
      this.x.removeAttribute('aria-invalid');
      this.y.removeAttribute('aria-invalid');
    }
  }
}
