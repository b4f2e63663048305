// The Playground lab's view: transport toolbar, notices (divergence, stop-at, transient messages), the network
// panel that hosts the diagram, the data plot with its display toggles and its bar for adding points (class,
// the keyboard form of www/point-form.js, the click hint), the loss chart with the metrics beside it. It owns
// these elements and their text; playground.js owns state and the wasm handle, playground-loop.js the frame loop.

import { h, fmt } from './dom.js';
import { PointForm } from './point-form.js';

/** How long a transient notice stays up (ms). */
const NOTICE_MS = 7000;

export class PlaygroundView {
  /**
   * @param {HTMLElement} settings the settings form element (placed in the left column)
   * @param {object} on handlers: play, pause, step, reset, resetDiverged, redraw, displayChanged(key, on),
   *   addPoint(x, y, label), clearPoints, clearEdits, freezeWeights, copyLink, removeStop
   */
  constructor(settings, on) {
    const btn = (id, label, title, onclick, cls = '') =>
      h('button', { type: 'button', id, class: cls || null, title, onclick }, label);
    this.playBtn = btn('play', '▶ Play', 'Start training (Space)', on.play, 'primary');
    this.pauseBtn = btn('pause', '❚❚ Pause', 'Pause training (Space)', on.pause);
    this.stepBtn = btn('step', 'Step', 'Run one optimizer step', on.step);
    this.resetBtn = btn('reset', '↺ Reset', 'Rebuild the network from the seed: fresh weights, step 0', on.reset);
    this.status = h('span', { id: 'status', class: 'status', 'aria-live': 'polite' }, 'Paused');
    this.copyBtn = btn('copy-link', 'Copy link', 'Copy a link to this exact run (settings, data, weight edits)', on.copyLink, 'link-btn');
    this.linkField = h('input', { type: 'text', id: 'copy-link-field', class: 'link-field', readonly: true, hidden: true,
      'aria-label': 'Link to this run (selected: press Ctrl+C or ⌘C to copy)' });

    // ---- data plot ----
    this.boundary = h('canvas', { id: 'boundary-canvas', class: 'plot plot-data clickable', role: 'img',
      'aria-label': 'The data set and the network\'s prediction.' });
    // Each toggle is a URL key (`test-points`, `discretize`, `legend`): a change goes through the lab, which
    // writes the hash and redraws.
    const toggle = (id, key, label, title, checked = false) => {
      const input = h('input', { type: 'checkbox', id, checked, dataset: { key } });
      input.addEventListener('change', () => on.displayChanged(key, input.checked));
      return [input, h('label', { class: 'check', for: id, title }, input, ` ${label}`)];
    };
    let lab;
    [this.showTest, lab] = toggle('show-test', 'test-points', 'Test points', 'Draw the test points (hollow rings)', true);
    const showTestLabel = lab;
    [this.discretize, lab] = toggle('discretize', 'discretize', 'Discretize', 'Hard decision regions: each place in the colour of the predicted class');
    const discretizeLabel = lab;
    [this.showLegend, lab] = toggle('show-legend', 'legend', 'Colour scale', 'Show what the background colours mean');
    const legendLabel = lab;
    this.toggles = h('div', { class: 'toggles', role: 'group', 'aria-label': 'Display' }, showTestLabel, discretizeLabel, legendLabel);
    this.classToggles = [discretizeLabel, legendLabel];
    this.title = h('span', { class: 'fig-title', id: 'boundary-title' }, 'Data and prediction');
    this.caption = h('p', { class: 'caption', id: 'boundary-caption' });
    this.counts = h('span', { id: 'point-counts', class: 'muted' });

    this.clickClass = h('select', { id: 'click-class', title: 'Class of the points a click or “Add point” adds (Shift-click adds the other class)' });
    this.clickClassRow = h('label', { class: 'inline', for: 'click-class' }, 'Class ', this.clickClass);
    this.pointForm = new PointForm((x, y) => on.addPoint(x, y, Number(this.clickClass.value) || 0));
    this.clickHint = h('span', { class: 'muted', id: 'click-hint' });
    this.clearPointsBtn = btn('clear-points', 'Clear points', 'Remove every clicked point and bring back removed ones', on.clearPoints, 'small');
    this.clickError = h('p', { id: 'error-click', class: 'field-error', 'aria-live': 'polite', hidden: true });
    this.clickBar = h('div', { class: 'click-bar', id: 'click-bar' },
      this.clickClassRow, this.pointForm.element, this.clickHint, this.clearPointsBtn, this.clickError);

    // ---- loss and metrics ----
    this.loss = h('canvas', { id: 'loss-canvas', class: 'plot plot-loss', role: 'img',
      'aria-label': 'Training and test loss (log scale) against optimizer step, drawn as two curves with a legend.' });
    const metric = (id, label) => h('div', { class: `metric metric-${id}` }, h('dt', {}, label), h('dd', { id: `metric-${id}` }, '—'));
    this.metrics = h('dl', { id: 'metrics', class: 'metrics', 'aria-label': 'Training statistics' },
      metric('epoch', 'Epoch'), metric('step', 'Step'),
      metric('train-loss', 'Train loss'), metric('test-loss', 'Test loss'),
      metric('train-acc', 'Train accuracy'), metric('test-acc', 'Test accuracy'),
      metric('speed', 'Steps / s'));

    // ---- notices ----
    this.divergedMsg = h('p', { id: 'diverged-message' });
    this.diverged = h('div', { id: 'diverged', class: 'diverged', role: 'alert', hidden: true },
      h('strong', {}, 'Diverged'), this.divergedMsg,
      h('button', { type: 'button', id: 'diverged-reset', class: 'primary', onclick: on.resetDiverged }, '↺ Reset'));
    this.stopMsg = h('p', { id: 'stop-message' });
    this.stopNotice = h('div', { id: 'stop-notice', class: 'stop-notice', role: 'status', hidden: true },
      h('strong', {}, 'Stopped'), this.stopMsg,
      btn('stop-remove', 'Remove the stop and train on', 'Set “Stop at” to never and continue training', on.removeStop, 'small'),
      h('button', { type: 'button', class: 'icon', 'aria-label': 'Dismiss', title: 'Dismiss', onclick: () => this.hideStopNotice() }, '×'));
    this.notice = h('div', { id: 'notice', class: 'notice', role: 'status', 'aria-live': 'polite', hidden: true });

    // ---- network panel (the diagram mounts into #diagram) ----
    this.diagramHost = h('div', { id: 'diagram', class: 'diagram-host' });
    this.freezeBtn = btn('freeze-weights', 'Freeze weights into link',
      'Put the current weights into the link: the run restarts from exactly this network at step 0', on.freezeWeights, 'small');
    this.clearEditsBtn = btn('clear-edits', 'Clear weight edits',
      'Drop the weight edits (and frozen weights) from the link: the run restarts from the seeded initial weights', on.clearEdits, 'small');
    this.weightsStatus = h('span', { id: 'weights-status', class: 'muted', 'aria-live': 'polite' });
    this.network = h('section', { class: 'figure network', id: 'network-panel', 'aria-labelledby': 'network-title' },
      h('div', { class: 'figcaption' }, h('h2', { class: 'fig-title', id: 'network-title' }, 'Network')),
      this.diagramHost,
      h('div', { class: 'weights-bar' }, this.freezeBtn, this.clearEditsBtn, this.weightsStatus));

    const toolbar = h('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'Training controls' },
      this.playBtn, this.pauseBtn, this.stepBtn, this.resetBtn, this.status,
      h('span', { class: 'toolbar-end' }, this.copyBtn, this.linkField));

    const plots = h('section', { class: 'plots', 'aria-label': 'Plots and statistics' },
      h('figure', { class: 'figure figure-data' },
        h('figcaption', {}, this.title, this.toggles),
        h('div', { class: 'canvas-box square' }, this.boundary),
        this.clickBar,
        h('p', { class: 'caption' }, this.caption, ' ', this.counts)),
      h('figure', { class: 'figure figure-loss' },
        h('figcaption', {}, h('span', { class: 'fig-title' }, 'Loss and metrics')),
        h('div', { class: 'loss-row' },
          h('div', { class: 'canvas-box wide' }, this.loss),
          this.metrics)));

    this.element = h('div', { class: 'lab lab-playground' },
      h('div', { class: 'lab-top' }, toolbar, this.diverged, this.stopNotice, this.notice),
      h('div', { class: 'lab-body' },
        h('aside', { class: 'settings', 'aria-label': 'Settings' }, settings),
        this.network,
        plots));
  }

  /** Enable/disable the transport buttons; keeps keyboard focus on an enabled button. `stopped` is the reason
   *  text when the stop-at condition holds (Play stays enabled: pressing it explains why nothing runs). */
  setTransport({ running, diverged, ready, stopped = null }) {
    const focused = document.activeElement;
    this.playBtn.disabled = running || diverged || !ready;
    this.pauseBtn.disabled = !running;
    this.stepBtn.disabled = running || diverged || !ready;
    const state = diverged ? 'diverged' : running ? 'running' : stopped ? 'stopped' : 'paused';
    this.status.textContent = diverged ? 'Diverged' : running ? 'Running' : stopped ? `Stopped (${stopped})` : 'Paused';
    this.status.dataset.state = state;
    if (!stopped) this.hideStopNotice();
    if (focused && focused.disabled) (running ? this.pauseBtn : diverged ? this.resetBtn : this.playBtn).focus();
  }

  /** Fill the statistics panel from a stats object; accuracies are hidden for regression. */
  setMetrics(s, { classify, stepsPerSecond }) {
    s = s || {};
    const set = (id, text) => {
      const el = this.metrics.querySelector(`#metric-${id}`);
      if (el.textContent !== text) el.textContent = text;
    };
    set('step', s.step === undefined ? '—' : Number(s.step).toLocaleString('en-US'));
    set('epoch', s.epoch === undefined ? '—' : fmt(s.epoch, 4));
    set('train-loss', fmt(s.trainLoss));
    set('test-loss', fmt(s.testLoss));
    for (const id of ['train-acc', 'test-acc']) this.metrics.querySelector(`.metric-${id}`).hidden = !classify;
    const pct = (x) => (typeof x === 'number' && Number.isFinite(x) ? `${(100 * x).toFixed(1)} %` : '—');
    set('train-acc', pct(s.trainAcc));
    set('test-acc', pct(s.testAcc));
    set('speed', stepsPerSecond === null ? '—' : fmt(Math.round(stepsPerSecond), 6));
  }

  /** Title, caption, canvas description, toggles and click bar for a catalog dataset entry. */
  setDataset(d) {
    if (!d) return;
    const regression = d.task === 'regression';
    this.boundary.setAttribute('aria-label', regression
      ? `Regression on the ${d.label} data set: the network's prediction as a curve over the input, with the training and test points. Click to add a point, Alt-click to remove the nearest.`
      : `Classification on the ${d.label} data set: a heat map of the network's predicted class over the input plane, with the training and test points coloured by class. Click to add a point, Alt-click to remove the nearest.`);
    this.title.textContent = regression ? 'Data and prediction' : 'Data and decision boundary';
    this.caption.textContent = `${d.label}: ${d.doc}`;
    for (const el of this.classToggles) el.hidden = regression;
    const classes = regression ? 0 : Math.max(2, d.classes || 2);
    if (this.clickClass.options.length !== classes) {
      const keep = this.clickClass.value;
      this.clickClass.replaceChildren(...Array.from({ length: classes }, (_, k) => h('option', { value: String(k) }, `class ${k}`)));
      if (keep !== '' && Number(keep) < classes) this.clickClass.value = keep;
    }
    this.clickClassRow.hidden = regression;
    this.pointForm.setDataset(d);
    this.clickHint.textContent = regression
      ? 'Or click the plot to add a point (x, y) · Alt-click: remove the nearest'
      : 'Or click the plot to add one · Shift-click: the other class · Alt-click: remove the nearest';
  }

  /** Check the display toggles: {"test-points": bool, discretize: bool, legend: bool}. */
  setDisplay(shown) {
    this.showTest.checked = Boolean(shown['test-points']);
    this.discretize.checked = Boolean(shown.discretize);
    this.showLegend.checked = Boolean(shown.legend);
  }

  /** "N train + M test points (k clicked, r removed)" under the data plot, from the Playground's info(). */
  setCounts(info) {
    if (!info) { this.counts.textContent = ''; return; }
    const extra = [];
    if (info.added) extra.push(`${info.added} clicked`);
    if (info.removed) extra.push(`${info.removed} removed`);
    this.counts.textContent = `${info.train} train + ${info.test} test points${extra.length ? ` (${extra.join(', ')})` : ''}.`;
    this.clearPointsBtn.disabled = !info.added && !info.removed;
  }

  /** The weights bar: how many edits the link carries, whether weights are frozen. */
  setWeightsState({ edits, frozen }) {
    this.clearEditsBtn.disabled = !edits && !frozen;
    const parts = [];
    if (frozen) parts.push('weights frozen into the link');
    if (edits) parts.push(`${edits} weight edit${edits === 1 ? '' : 's'} in the link`);
    this.weightsStatus.textContent = parts.length ? `${parts.join('; ')}.` : '';
  }

  showClickError(message) {
    this.clickError.textContent = message;
    this.clickError.hidden = !message;
  }

  /** A transient message under the toolbar (replaced by the next one, gone after a few seconds). */
  showNotice(text) {
    clearTimeout(this.noticeTimer);
    this.notice.textContent = text;
    this.notice.hidden = false;
    this.noticeTimer = setTimeout(() => { this.notice.hidden = true; }, NOTICE_MS);
  }

  showStopNotice(text) {
    this.stopMsg.textContent = text;
    this.stopNotice.hidden = false;
  }

  hideStopNotice() {
    this.stopNotice.hidden = true;
  }

  /** Show the link in a selected read-only field (when the clipboard is not available). */
  showLinkField(url) {
    this.linkField.value = url;
    this.linkField.hidden = false;
    this.linkField.focus();
    this.linkField.select();
  }

  showDiverged(message) {
    const text = String(message);
    this.divergedMsg.textContent = text.charAt(0).toUpperCase() + text.slice(1);
    this.diverged.hidden = false;
  }

  hideDiverged() {
    this.diverged.hidden = true;
  }
}
