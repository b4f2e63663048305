// The Playground lab's view: transport toolbar, divergence notice, the two canvases, captions and the statistics
// panel. It owns these elements and their text; playground.js owns state, the wasm handle and the frame loop.

import { h, fmt } from './dom.js';

export class PlaygroundView {
  /**
   * @param {HTMLElement} settings the settings form element (placed in the left column)
   * @param {{play, pause, step, reset, resetDiverged, redraw}} on handlers for the buttons and the checkbox
   */
  constructor(settings, on) {
    const btn = (id, label, title, onclick, cls = '') =>
      h('button', { type: 'button', id, class: cls || null, title, onclick }, label);
    this.playBtn = btn('play', '▶ Play', 'Start training (Space)', on.play, 'primary');
    this.pauseBtn = btn('pause', '❚❚ Pause', 'Pause training (Space)', on.pause);
    this.stepBtn = btn('step', 'Step', 'Run one optimizer step', on.step);
    this.resetBtn = btn('reset', '↺ Reset', 'Rebuild the network from the seed: fresh weights, step 0', on.reset);
    this.status = h('span', { id: 'status', class: 'status', 'aria-live': 'polite' }, 'Paused');

    this.boundary = h('canvas', { id: 'boundary-canvas', class: 'plot plot-data', role: 'img',
      'aria-label': 'The data set and the network\'s prediction.' });
    this.loss = h('canvas', { id: 'loss-canvas', class: 'plot plot-loss', role: 'img',
      'aria-label': 'Training and test loss (log scale) against optimizer step, drawn as two curves with a legend.' });
    this.showTest = h('input', { type: 'checkbox', id: 'show-test', checked: true, onchange: on.redraw });
    this.title = h('span', { class: 'fig-title', id: 'boundary-title' }, 'Data and prediction');
    this.caption = h('p', { class: 'caption', id: 'boundary-caption' });

    const metric = (id, label) => h('div', { class: `metric metric-${id}` }, h('dt', {}, label), h('dd', { id: `metric-${id}` }, '—'));
    this.metrics = h('dl', { id: 'metrics', class: 'metrics', 'aria-label': 'Training statistics' },
      metric('step', 'Step'), metric('epoch', 'Epoch'),
      metric('train-loss', 'Train loss'), metric('test-loss', 'Test loss'),
      metric('train-acc', 'Train accuracy'), metric('test-acc', 'Test accuracy'),
      metric('speed', 'Steps / s'));

    this.divergedMsg = h('p', { id: 'diverged-message' });
    this.diverged = h('div', { id: 'diverged', class: 'diverged', role: 'alert', hidden: true },
      h('strong', {}, 'Diverged'), this.divergedMsg,
      h('button', { type: 'button', id: 'diverged-reset', class: 'primary', onclick: on.resetDiverged }, '↺ Reset'));

    const toolbar = h('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'Training controls' },
      this.playBtn, this.pauseBtn, this.stepBtn, this.resetBtn, this.status);

    const plots = h('section', { class: 'plots', 'aria-label': 'Plots and statistics' },
      h('figure', { class: 'figure figure-data' },
        h('figcaption', {}, this.title, h('label', { class: 'check', for: 'show-test' }, this.showTest, ' Show test points')),
        h('div', { class: 'canvas-box square' }, this.boundary), this.caption),
      h('div', { class: 'side' },
        h('figure', { class: 'figure figure-loss' }, h('figcaption', {}, h('span', { class: 'fig-title' }, 'Loss')),
          h('div', { class: 'canvas-box wide' }, this.loss)),
        h('section', { class: 'figure stats', 'aria-labelledby': 'metrics-title' },
          h('h2', { class: 'fig-title', id: 'metrics-title' }, 'Statistics'), this.metrics)));

    this.element = h('div', { class: 'lab lab-playground' }, h('div', { class: 'lab-top' }, toolbar, this.diverged),
      h('div', { class: 'lab-body' }, h('aside', { class: 'settings', 'aria-label': 'Settings' }, settings), plots));
  }

  /** Enable/disable the transport buttons; keeps keyboard focus on an enabled button. */
  setTransport({ running, diverged, ready }) {
    const focused = document.activeElement;
    this.playBtn.disabled = running || diverged || !ready;
    this.pauseBtn.disabled = !running;
    this.stepBtn.disabled = running || diverged || !ready;
    const state = diverged ? 'diverged' : running ? 'running' : 'paused';
    this.status.textContent = diverged ? 'Diverged' : running ? 'Running' : 'Paused';
    this.status.dataset.state = state;
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

  /** Title, caption and canvas description for a catalog dataset entry. */
  setDataset(d) {
    if (!d) return;
    const regression = d.task === 'regression';
    this.boundary.setAttribute('aria-label', regression
      ? `Regression on the ${d.label} data set: the network's prediction as a curve over the input, with the training and test points.`
      : `Classification on the ${d.label} data set: a heat map of the network's predicted class over the input plane, with the training and test points coloured by class.`);
    this.title.textContent = regression ? 'Data and prediction' : 'Data and decision boundary';
    this.caption.textContent = `${d.label}: ${d.doc}`;
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
