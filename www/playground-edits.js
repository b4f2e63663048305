// What the user does to a Playground run outside the settings form: clicks on the data plot (add a point, remove
// the nearest) and the keyboard's "Add point", Clear points, Clear weight edits, Freeze weights into the link,
// Copy link. Each edit ends in a new
// canonical query that the lab adopts (a restart from step 0; Play keeps going), so the URL always describes the
// run on screen. Weight edits from the diagram are the exception: the running Playground already holds them and
// only the hash follows (PlaygroundLab.adoptEditedQuery).

import { splitQuery, joinQuery } from './query.js';

/** Alt-click removes the nearest point within this distance (data units). */
export const REMOVE_RADIUS = 0.3;

export class RunEdits {
  /** @param {object} lab the PlaygroundLab: playground, query, view, form, applyQuery(query, notice), fail(e) */
  constructor(lab) {
    this.lab = lab;
  }

  /** A click on #boundary-canvas: add a point of the selected class (Shift: the next class; 1-D sets: the
   *  (x, y) point), or with Alt remove the nearest point within REMOVE_RADIUS. */
  onPlotClick(e) {
    const { playground: p, view } = this.lab;
    if (!p || e.button !== 0) return;
    const at = p.pointAt(view.boundary, e.offsetX, e.offsetY);
    if (!at) return;
    const [x, y] = at;
    const d = this.lab.form.dataset();
    let query;
    try {
      if (e.altKey) {
        e.preventDefault();
        query = p.removePointNear(x, y, REMOVE_RADIUS);
        if (query === this.lab.query) {
          view.showClickError(`No point within ${REMOVE_RADIUS} of (${x.toFixed(2)}, ${y.toFixed(2)}) to remove.`);
          return;
        }
      } else {
        const classes = d?.task === 'regression' ? 1 : Math.max(2, d?.classes || 2);
        const chosen = Number(view.clickClass.value) || 0;
        const label = classes === 1 ? 0 : (e.shiftKey ? (chosen + 1) % classes : chosen);
        query = p.addPoint(x, y, label);
      }
    } catch (err) {
      view.showClickError(err instanceof Error ? err.message : String(err));
      return;
    }
    view.showClickError('');
    this.lab.applyQuery(query);
  }

  /** "Add point" (the keyboard form): the point (x, y) of class `label` (0 on 1-D sets, where y is the target).
   *  Returns the core's message when it refuses the point, else '' (the run restarts with it). */
  addPoint(x, y, label) {
    const p = this.lab.playground;
    if (!p) return 'The run is not ready yet.';
    const regression = this.lab.form.dataset()?.task === 'regression';
    let query;
    try {
      query = p.addPoint(x, y, regression ? 0 : label);
    } catch (err) {
      return err instanceof Error ? err.message : String(err);
    }
    this.lab.view.showClickError('');
    this.lab.applyQuery(query, `Added the point (${x}, ${y})${regression ? '' : ` of class ${label}`}; the run restarts with it.`);
    return '';
  }

  /** Drop state keys from the query (Clear points, Clear weight edits) and restart. */
  dropKeys(keys, notice) {
    const m = splitQuery(this.lab.query || '');
    if (!keys.some((k) => m.has(k))) return;
    for (const k of keys) m.delete(k);
    this.lab.view.showClickError('');
    this.lab.applyQuery(joinQuery(m), notice);
  }

  /** Put the current parameters into the link (`weights=`, replacing `edits`): the run restarts from exactly this
   *  network at step 0. `rescale` goes too: the frozen weights are the rescaled network already, and the core
   *  applies `rescale` after `weights`, so keeping it would rescale twice. */
  freezeWeights() {
    const p = this.lab.playground;
    if (!p) return;
    let weights;
    try {
      weights = p.frozenWeights();
    } catch (e) {
      this.lab.fail(e);
      return;
    }
    const m = splitQuery(this.lab.query || '');
    m.delete('edits');
    const rescaled = m.has('rescale') && m.get('rescale') !== 'none';
    m.delete('rescale');
    m.set('weights', weights);
    const step = Number(this.lab.stats?.step ?? 0).toLocaleString('en-US');
    const also = rescaled ? ' The initial rescaling was dropped: the frozen weights already include it.' : '';
    this.lab.applyQuery(joinQuery(m), `Weights frozen into the link (as trained at step ${step}); the run restarts from them at step 0.${also}`);
  }

  /** Copy location.href; without a clipboard, show the link selected in #copy-link-field. */
  async copyLink() {
    const { view } = this.lab;
    const url = location.href;
    try {
      if (!navigator.clipboard?.writeText) throw new Error('no clipboard');
      await navigator.clipboard.writeText(url);
      view.linkField.hidden = true;
      view.showNotice('Link copied: it reproduces this run (settings, data and weight edits).');
    } catch {
      view.showLinkField(url);
      view.showNotice('The clipboard is not available here: the link is selected in the field; copy it with Ctrl+C (⌘C).');
    }
  }
}
