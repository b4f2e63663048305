// The network diagram (issue 4): one canvas drawn by Rust (`drawDiagram`: unit thumbnails and links) with a layer
// of DOM controls laid over it from `diagramLayout`: a focusable button per unit (hover/focus highlights it and
// shows it in the main plot), +/− buttons for layers and units, and a small editor for one weight or bias
// (www/diagram-editor.js).
//
// Stable ids (for the e2e tests):
//   #diagram-canvas                      the canvas
//   #unit-<layer>-<unit>                 unit buttons; layer 0 = features, then hidden layers, then the output
//   #diagram-add-layer #diagram-remove-layer            add / remove the last hidden layer
//   #diagram-add-unit-<layer> #diagram-remove-unit-<layer>   widen / narrow hidden layer <layer> (1-based column)
//   #weight-editor                       the editor popover (role=dialog), with #weight-editor-title,
//                                        #weight-editor-link (select, when several parameters are offered),
//                                        #weight-editor-current, #weight-editor-value (number input),
//                                        #weight-editor-error (inline error), #weight-editor-ok, #weight-editor-cancel
//
// Keyboard: Tab reaches every unit; arrow keys move between units (↑ ↓ within a layer, ← → across layers), Home /
// End go to the first / last unit of the layer; Enter (or a click) on a unit opens the editor on its incoming
// weights and its bias (a feature: its outgoing weights). In the editor Enter applies, Escape cancels.
// Mouse: clicking within 4 px of a link (12 px for touch) opens the editor on that weight.

import { h, fmt } from './dom.js';
import { observeCanvases } from './canvas.js';
import { WeightEditor } from './diagram-editor.js';

/** How close (CSS px) a click must come to a link. */
const HIT_PX = 4;
const HIT_PX_TOUCH = 12;
/** Thumbnail grid: about one cell per 1.5 device pixels, 25 × 25 to 32 × 32 cells (the forward pass costs ∝ cells). */
const MIN_RES = 25;
const MAX_RES = 32;

export class Diagram {
  /**
   * @param {HTMLElement} container where the diagram goes (it appends one element)
   * @param {{onHoverUnit?: (layer: number, unit: number|null) => void, onWeightEdited?: (query: string) => void,
   *   onLayersChanged?: (hidden: {width: number, act: string}[]) => void}} hooks
   */
  constructor(container, hooks = {}) {
    this.hooks = hooks;
    this.playground = null;
    this.layout = null;
    this.hovered = null; // [layer, unit] under the pointer
    this.focused = null; // [layer, unit] with keyboard focus
    this.structure = ''; // the unit ids the current buttons were built for

    this.canvas = h('canvas', { id: 'diagram-canvas', class: 'diagram-canvas', role: 'img',
      'aria-label': 'Network diagram: each unit drawn as a small picture of its output over the input plane, '
        + 'links coloured by the sign of their weight (blue positive, orange negative), thicker the larger the weight.' });
    this.units = h('div', { class: 'diagram-units' });
    this.controls = h('div', { class: 'diagram-controls' });
    this.editor = new WeightEditor({
      apply: (index, value) => this.playground.setWeight(index, value),
      onApplied: (query) => {
        this.refreshLayout();
        this.placeUnits();
        this.draw();
        this.hooks.onWeightEdited?.(query);
      },
      onToggle: () => {
        this.announceHover();
        this.draw();
      },
    });
    this.stage = h('div', { class: 'diagram-stage' }, this.canvas, this.units, this.controls, this.editor.element);
    this.addLayerBtn = h('button', { type: 'button', id: 'diagram-add-layer', class: 'small',
      onclick: () => this.changeLayers('add') }, '+ Layer');
    this.removeLayerBtn = h('button', { type: 'button', id: 'diagram-remove-layer', class: 'small',
      onclick: () => this.changeLayers('remove') }, '− Layer');
    this.summary = h('span', { class: 'diagram-summary muted', 'aria-live': 'polite' });
    this.hint = h('p', { class: 'diagram-hint muted', id: 'diagram-hint' },
      'Hover or focus a unit to see it in the data plot. Click a link, or press Enter on a unit, to edit a weight.');
    this.element = h('div', { class: 'diagram' },
      h('div', { class: 'diagram-bar', role: 'group', 'aria-label': 'Hidden layers' },
        this.removeLayerBtn, this.addLayerBtn, this.summary),
      this.stage, this.hint);
    container.append(this.element);

    this.canvas.addEventListener('pointermove', (e) => this.onPointerMove(e));
    this.canvas.addEventListener('pointerleave', () => { this.canvas.style.cursor = ''; this.canvas.title = ''; });
    this.canvas.addEventListener('click', (e) => this.onCanvasClick(e));
    this.onDocPointer = (e) => {
      if (this.editor.isOpen && !this.editor.element.contains(e.target) && e.target !== this.canvas) this.editor.close(false);
    };
    document.addEventListener('pointerdown', this.onDocPointer);
    // The canvas is as wide as the stage: a width change (window, layout, zoom) resizes its buffer, and the
    // layout follows (which may set a new CSS height, and so resize once more).
    this.stopObserving = observeCanvases([this.canvas], () => { this.relayout(); this.draw(); });
  }

  /** Use this wasm Playground from now on (after every rebuild). */
  attach(playground) {
    this.playground = playground;
    this.editor.close(false);
    this.relayout();
    this.draw();
  }

  /** Redraw the canvas from the Playground's current network (call each animation frame while training). */
  draw() {
    const p = this.playground;
    if (!p || !this.layout || this.canvas.width < 2) return;
    // Device pixels per CSS pixel from the laid-out width (reading clientWidth here could force a layout).
    const dpr = this.canvas.width / Math.max(1, this.layout.width);
    const res = Math.max(MIN_RES, Math.min(MAX_RES, Math.round(this.layout.size * dpr / 1.5)));
    p.drawDiagram(this.canvas, res, this.highlight());
  }

  destroy() {
    this.stopObserving?.();
    document.removeEventListener('pointerdown', this.onDocPointer);
    this.editor.close(false);
    this.element.remove();
    this.playground = null;
  }

  /** The unit to emphasise: the focused one, else the one whose weights are being edited, else the hovered one. */
  highlight() {
    return this.focused ?? this.editor.unit ?? this.hovered ?? null;
  }

  // ---- layout and the DOM controls ---------------------------------------------------------------------------

  /** Size the canvas for the current width and network, and (re)build or move the unit buttons and +/−. */
  relayout() {
    const p = this.playground;
    if (!p) return;
    const width = Math.max(0, Math.floor(this.stage.clientWidth));
    const preferred = JSON.parse(p.diagramLayout(width, 0)).preferredHeight;
    const height = Math.round(preferred);
    if (this.canvas.style.height !== `${height}px`) this.canvas.style.height = `${height}px`;
    this.layout = JSON.parse(p.diagramLayout(width, height));
    this.placeUnits();
    this.placeControls();
  }

  placeUnits() {
    const lay = this.layout;
    const ids = lay.layers.flatMap((l) => l.units.map((u) => u.id)).join(' ');
    const rebuild = ids !== this.structure;
    const active = document.activeElement?.id;
    if (rebuild) {
      this.structure = ids;
      this.units.replaceChildren();
      this.unitButtons = new Map();
    }
    lay.layers.forEach((layer, l) => {
      for (const u of layer.units) {
        let b = this.unitButtons.get(u.id);
        if (!b) {
          b = h('button', { type: 'button', id: u.id, class: 'diagram-unit', dataset: { layer: l, unit: u.unit },
            'aria-describedby': 'diagram-hint' });
          b.addEventListener('pointerenter', () => this.setHover([l, u.unit]));
          b.addEventListener('pointerleave', () => this.setHover(null));
          b.addEventListener('focus', () => this.setFocus([l, u.unit]));
          b.addEventListener('blur', () => this.setFocus(null));
          b.addEventListener('keydown', (e) => this.onUnitKey(e, l, u.unit));
          b.addEventListener('click', () => this.openForUnit(l, u.unit, b));
          this.unitButtons.set(u.id, b);
          this.units.append(b);
        }
        const kind = l === 0 ? `input feature ${u.label}` : u.label;
        const bias = typeof u.bias === 'number' ? `, bias ${fmt(u.bias, 3)}` : '';
        b.setAttribute('aria-label', `Layer ${l} unit ${u.unit + 1}: ${kind}${bias}`);
        b.title = `${u.label}${bias}`;
        Object.assign(b.style, { left: `${u.x}px`, top: `${u.y}px`, width: `${u.size}px`, height: `${u.size}px` });
      }
    });
    if (rebuild) {
      // A unit that no longer exists cannot stay highlighted (nor shown in the data plot).
      if (this.focused && !this.unitAt(...this.focused)) this.focused = null;
      if (this.hovered && !this.unitAt(...this.hovered)) this.hovered = null;
      if (active && this.unitButtons.has(active)) this.unitButtons.get(active).focus();
      this.announceHover(true);
    }
  }

  placeControls() {
    const lay = this.layout;
    const { maxLayers, minWidth, maxWidth } = lay.limits;
    const hidden = lay.hidden;
    const key = `${hidden.length}`;
    if (this.controlsKey !== key) {
      this.controlsKey = key;
      this.controls.replaceChildren();
      this.layerControls = [];
      for (let i = 0; i < hidden.length; i++) {
        const l = i + 1;
        const minus = h('button', { type: 'button', id: `diagram-remove-unit-${l}`, class: 'diagram-pm',
          onclick: () => this.changeUnits(i, -1) }, '−');
        const plus = h('button', { type: 'button', id: `diagram-add-unit-${l}`, class: 'diagram-pm',
          onclick: () => this.changeUnits(i, +1) }, '+');
        const group = h('div', { class: 'diagram-layer-controls', role: 'group' }, minus, plus);
        this.layerControls.push({ group, minus, plus });
        this.controls.append(group);
      }
    }
    // Narrow columns: neighbouring pairs of buttons would touch, so they alternate between two rows.
    const pitch = lay.layers.length > 1 ? lay.layers[1].x - lay.layers[0].x : lay.width;
    const stagger = pitch < 58;
    this.controls.classList.toggle('staggered', stagger);
    hidden.forEach((spec, i) => {
      const { group, minus, plus } = this.layerControls[i];
      const col = lay.layers[i + 1];
      group.style.left = `${col.x}px`;
      group.style.top = `${lay.height - lay.bottom + (stagger && i % 2 ? 27 : 3)}px`;
      group.setAttribute('aria-label', `Units of hidden layer ${i + 1} (now ${spec.width})`);
      minus.disabled = spec.width <= minWidth;
      plus.disabled = spec.width >= maxWidth;
      minus.setAttribute('aria-label', `Remove a unit from hidden layer ${i + 1} (${spec.width} units)`);
      plus.setAttribute('aria-label', `Add a unit to hidden layer ${i + 1} (${spec.width} units)`);
      minus.title = minus.getAttribute('aria-label');
      plus.title = plus.getAttribute('aria-label');
    });
    this.addLayerBtn.disabled = hidden.length >= maxLayers;
    this.removeLayerBtn.disabled = hidden.length === 0;
    this.addLayerBtn.title = hidden.length >= maxLayers ? `At most ${maxLayers} hidden layers` : 'Add a hidden layer before the output';
    this.removeLayerBtn.title = hidden.length === 0 ? 'No hidden layer to remove' : 'Remove the last hidden layer';
    const widths = hidden.map((s) => s.width).join(', ');
    this.summary.textContent = hidden.length
      ? `${hidden.length} hidden layer${hidden.length === 1 ? '' : 's'}: ${widths}`
      : 'No hidden layer (a linear model of the features)';
  }

  /** The layout's unit box for (layer, unit), if shown. */
  unitAt(layer, unit) {
    return this.layout?.layers[layer]?.units.find((u) => u.unit === unit) ?? null;
  }

  // ---- +/− -----------------------------------------------------------------------------------------------------

  hiddenSpec() {
    return (this.layout?.hidden ?? []).map((s) => ({ width: s.width, act: s.act }));
  }

  changeLayers(kind) {
    const spec = this.hiddenSpec();
    const { maxLayers } = this.layout.limits;
    if (kind === 'add' && spec.length < maxLayers) {
      const last = spec[spec.length - 1];
      spec.push({ width: last?.width ?? 4, act: last?.act ?? 'tanh' });
    } else if (kind === 'remove' && spec.length > 0) {
      spec.pop();
    } else {
      return;
    }
    this.hooks.onLayersChanged?.(spec);
  }

  changeUnits(i, delta) {
    const spec = this.hiddenSpec();
    const { minWidth, maxWidth } = this.layout.limits;
    const next = spec[i].width + delta;
    if (next < minWidth || next > maxWidth) return;
    spec[i].width = next;
    this.hooks.onLayersChanged?.(spec);
  }

  // ---- hover, focus, keyboard ----------------------------------------------------------------------------------

  setHover(unit) {
    this.hovered = unit;
    if (!this.focused) this.announceHover();
    this.draw();
  }

  setFocus(unit) {
    this.focused = unit;
    this.announceHover();
    this.draw();
  }

  /** Tell the page which unit to show: once per task (moving focus blurs one unit, then focuses the next), or
   *  at once (`now`) when the page is about to draw, e.g. after a rebuild removed the unit it shows. */
  announceHover(now = false) {
    const send = () => {
      this.announcePending = false;
      const u = this.highlight();
      const key = u ? `${u[0]}-${u[1]}` : '';
      if (key === this.announced) return;
      this.announced = key;
      this.hooks.onHoverUnit?.(u ? u[0] : null, u ? u[1] : null);
    };
    if (now) {
      send();
      return;
    }
    if (this.announcePending) return;
    this.announcePending = true;
    queueMicrotask(() => { if (this.announcePending) send(); });
  }

  onUnitKey(e, layer, unit) {
    const lay = this.layout;
    let target = null;
    const col = lay.layers[layer].units;
    const idx = col.findIndex((u) => u.unit === unit);
    switch (e.key) {
      case 'ArrowUp': target = [layer, col[Math.max(0, idx - 1)].unit]; break;
      case 'ArrowDown': target = [layer, col[Math.min(col.length - 1, idx + 1)].unit]; break;
      case 'Home': target = [layer, col[0].unit]; break;
      case 'End': target = [layer, col[col.length - 1].unit]; break;
      case 'ArrowLeft':
      case 'ArrowRight': {
        const l = layer + (e.key === 'ArrowLeft' ? -1 : 1);
        const next = lay.layers[l]?.units;
        if (next?.length) target = [l, next[Math.min(next.length - 1, idx)].unit];
        break;
      }
      default: return;
    }
    e.preventDefault();
    if (target) this.unitButtons.get(`unit-${target[0]}-${target[1]}`)?.focus();
  }

  // ---- links: hit test and editing -----------------------------------------------------------------------------

  /** The link nearest (x, y) CSS px within `tol`, from the layout's segments. */
  linkAt(x, y, tol) {
    let best = null;
    let bestD = tol;
    for (const k of this.layout?.links ?? []) {
      const d = segmentDistance(x, y, k.x1, k.y1, k.x2, k.y2);
      if (d <= bestD) { bestD = d; best = k; }
    }
    return best;
  }

  onPointerMove(e) {
    if (!this.layout) return;
    const k = this.linkAt(e.offsetX, e.offsetY, e.pointerType === 'touch' ? HIT_PX_TOUCH : HIT_PX);
    this.canvas.style.cursor = k ? 'pointer' : '';
    this.canvas.title = k ? `${this.linkName(k)}: w = ${fmt(k.weight, 4)} (click to edit)` : '';
  }

  onCanvasClick(e) {
    if (!this.playground) return;
    this.refreshLayout();
    const k = this.linkAt(e.offsetX, e.offsetY, e.pointerType === 'touch' ? HIT_PX_TOUCH : HIT_PX);
    if (!k) return;
    const name = `Weight ${this.linkName(k)}`;
    this.editor.open({ entries: [{ index: k.index, value: k.weight, name, option: name }], title: name,
      at: { x: e.offsetX, y: e.offsetY }, stage: this.stage, returnFocus: this.canvas, unit: [k.layer + 1, k.to] });
  }

  /** Re-read the layout so weights and biases are current (they change while training). */
  refreshLayout() {
    if (this.playground && this.layout) {
      this.layout = JSON.parse(this.playground.diagramLayout(this.layout.width, this.layout.height));
    }
  }

  unitName(layer, unit) {
    return this.unitAt(layer, unit)?.label ?? `layer ${layer} unit ${unit + 1}`;
  }

  linkName(k) {
    return `${this.unitName(k.layer, k.from)} → ${this.unitName(k.layer + 1, k.to)}`;
  }

  /** Enter / click on a unit: its bias and incoming weights (a feature: its outgoing weights). */
  openForUnit(layer, unit, button) {
    this.refreshLayout();
    const u = this.unitAt(layer, unit);
    if (!u) return;
    const links = this.layout.links;
    const entries = [];
    let title;
    if (layer === 0) {
      title = `${u.label}: outgoing weights`;
      for (const k of links) {
        if (k.layer === 0 && k.from === unit) {
          entries.push({ index: k.index, value: k.weight, name: `Weight ${this.linkName(k)}`, option: `to ${this.unitName(1, k.to)}` });
        }
      }
    } else {
      title = `${u.label}: bias and incoming weights`;
      if (u.biasIndex !== null) entries.push({ index: u.biasIndex, value: u.bias, name: `Bias of ${u.label}`, option: 'bias' });
      for (const k of links) {
        if (k.layer === layer - 1 && k.to === unit) {
          entries.push({ index: k.index, value: k.weight, name: `Weight ${this.linkName(k)}`, option: `from ${this.unitName(layer - 1, k.from)}` });
        }
      }
    }
    if (!entries.length) return;
    this.editor.open({ entries, title, at: { x: u.x + u.size, y: u.y }, box: u, stage: this.stage, returnFocus: button,
      unit: [layer, unit] });
  }
}

/** Distance from (px, py) to the segment (x1, y1)–(x2, y2). */
function segmentDistance(px, py, x1, y1, x2, y2) {
  const dx = x2 - x1;
  const dy = y2 - y1;
  const len2 = dx * dx + dy * dy;
  const t = len2 > 0 ? Math.max(0, Math.min(1, ((px - x1) * dx + (py - y1) * dy) / len2)) : 0;
  return Math.hypot(px - (x1 + t * dx), py - (y1 + t * dy));
}
