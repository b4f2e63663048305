//! The network diagram (issue 4) in the real page: every unit's thumbnail is drawn and changes with training;
//! keyboard Tab reaches every unit and the arrow keys move between them; focusing a unit shows it in the data
//! plot; a weight edited through the editor (a click on a link, or Enter on a unit) changes exactly that parameter
//! and lands in the URL, and a bad value shows an inline error; the +/− buttons change the hidden layers; and
//! screenshots of the diagram at 1440 px and 375 px go to tests/screenshots/ (look at them).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, openPlayground, stepNow, canvasStats, closePage, animationFrames, hashMap } from './helpers.mjs';
import { screenshot } from './browser.mjs';

const env = useBrowser();
const DEEP = 'hidden=8,8,8,8,8,8&act=tanh';

/** Open the page and wait for the diagram to be mounted and laid out (playground.js imports it lazily). */
async function openDiagram(hash) {
  const opened = await openPlayground(env.browser, env.server, hash);
  await opened.page.waitForSelector('#unit-0-0', { timeout: 20_000 });
  await opened.page.locator('#diagram-canvas').scrollIntoViewIfNeeded();
  await animationFrames(opened.page, 2);
  return opened;
}

/** For each unit button: its id and a digest and colour count of the canvas pixels under it (frame excluded). */
async function thumbnails(page) {
  return page.evaluate(() => {
    const c = document.querySelector('#diagram-canvas');
    const k = c.width / c.clientWidth;
    const ctx = c.getContext('2d');
    return [...document.querySelectorAll('.diagram-unit')].map((b) => {
      const x = Math.round((b.offsetLeft + 2) * k);
      const y = Math.round((b.offsetTop + 2) * k);
      const s = Math.max(1, Math.floor((b.offsetWidth - 4) * k));
      const d = ctx.getImageData(x, y, s, s).data;
      let hash = 2166136261;
      const colours = new Set();
      for (let i = 0; i < d.length; i += 4) {
        hash = Math.imul(hash ^ ((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]), 16777619) >>> 0;
        colours.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
      }
      return { id: b.id, digest: hash.toString(16), colours: colours.size };
    });
  });
}

/** The current parameters (f32, flat order) from the Playground's frozenWeights(). */
async function params(page) {
  const b64 = await page.evaluate(() => window.saddle.playground.frozenWeights());
  const buf = Buffer.from(b64, 'base64url');
  return Array.from(new Float32Array(buf.buffer, buf.byteOffset, buf.length / 4));
}

/** Indices where two parameter vectors differ. */
function changed(a, b) {
  assert.equal(a.length, b.length);
  return a.flatMap((v, i) => (Object.is(v, b[i]) ? [] : [i]));
}

test('every thumbnail is drawn and the trained ones change after training steps', { timeout: 90_000 }, async () => {
  const { page, errors } = await openDiagram(DEEP);
  try {
    const whole = await canvasStats(page, '#diagram-canvas');
    assert.ok(whole.inkedFraction > 0.15 && whole.distinct > 100, `diagram drawn: ${JSON.stringify(whole)}`);
    const before = await thumbnails(page);
    assert.equal(before.length, 2 + 48 + 1, 'a button over every unit');
    const flat = before.filter((t) => t.colours < 4);
    assert.ok(flat.length <= 3, `thumbnails show pictures, not flat fills: ${JSON.stringify(flat)}`);
    const size = await page.evaluate(() => document.querySelector('#unit-1-0').offsetWidth);
    assert.ok(size >= 14, `thumbnails are readable: ${size} CSS px`);

    await stepNow(page, 200);
    await animationFrames(page, 2);
    const after = await thumbnails(page);
    const moved = after.filter((t, i) => t.digest !== before[i].digest).map((t) => t.id);
    const trained = after.filter((t) => !t.id.startsWith('unit-0-')).length;
    assert.ok(moved.length >= trained - 3, `${moved.length} of ${trained} trained thumbnails changed`);
    assert.ok(!moved.some((id) => id.startsWith('unit-0-')), 'feature thumbnails stay put');
    assert.deepEqual(errors, [], errors.join('\n'));
  } finally {
    await closePage(page);
  }
});

test('Tab reaches every unit, arrow keys move between units, focus shows the unit in the data plot', { timeout: 90_000 }, async () => {
  const { page, errors } = await openDiagram('hidden=4,3');
  try {
    const ids = await page.locator('.diagram-unit').evaluateAll((els) => els.map((e) => e.id));
    assert.deepEqual(ids, ['unit-0-0', 'unit-0-1', 'unit-1-0', 'unit-1-1', 'unit-1-2', 'unit-1-3',
      'unit-2-0', 'unit-2-1', 'unit-2-2', 'unit-3-0']);
    const labels = await page.locator('.diagram-unit').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
    assert.match(labels[3], /^Layer 1 unit 2\b/);
    // Tab from the control just before the units through all of them.
    await page.focus('#diagram-add-layer');
    const seen = [];
    for (let i = 0; i < ids.length + 2; i++) {
      await page.keyboard.press('Tab');
      seen.push(await page.evaluate(() => document.activeElement?.id));
    }
    for (const id of ids) assert.ok(seen.includes(id), `Tab reaches ${id}: ${seen.join(' ')}`);

    const plain = await canvasStats(page, '#boundary-canvas');
    await page.focus('#unit-1-0');
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'unit-1-1');
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'unit-2-1');
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'unit-3-0');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'unit-1-0');
    await page.keyboard.press('End');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'unit-1-3');
    await animationFrames(page, 2);
    const shown = await canvasStats(page, '#boundary-canvas');
    assert.notEqual(shown.digest, plain.digest, 'the focused unit replaces the prediction in the data plot');
    await page.focus('#diagram-add-layer');
    await animationFrames(page, 2);
    assert.equal((await canvasStats(page, '#boundary-canvas')).digest, plain.digest, 'blur restores the prediction');
    // The mouse does the same: hover shows the unit, leaving restores the prediction.
    await page.hover('#unit-2-1');
    await animationFrames(page, 2);
    const hovered = await canvasStats(page, '#boundary-canvas');
    assert.notEqual(hovered.digest, plain.digest, 'the hovered unit is shown in the data plot');
    assert.notEqual(hovered.digest, shown.digest, 'a different unit draws differently');
    await page.mouse.move(1, 1);
    await animationFrames(page, 2);
    assert.equal((await canvasStats(page, '#boundary-canvas')).digest, plain.digest, 'leaving restores the prediction');
    assert.deepEqual(errors, [], errors.join('\n'));
  } finally {
    await closePage(page);
  }
});

/** A point on link `k` (CSS px in the canvas) farther than 6 px from every other link, or null. */
function clearPointOn(k, links) {
  const dist = (px, py, l) => {
    const dx = l.x2 - l.x1;
    const dy = l.y2 - l.y1;
    const t = Math.max(0, Math.min(1, ((px - l.x1) * dx + (py - l.y1) * dy) / (dx * dx + dy * dy)));
    return Math.hypot(px - (l.x1 + t * dx), py - (l.y1 + t * dy));
  };
  for (let i = 1; i < 20; i++) {
    const t = i / 20;
    const x = k.x1 + t * (k.x2 - k.x1);
    const y = k.y1 + t * (k.y2 - k.y1);
    if (links.every((l) => l === k || dist(x, y, l) > 6)) return { x, y };
  }
  return null;
}

test('a weight edited through the editor changes exactly that parameter and goes into the URL', { timeout: 90_000 }, async () => {
  const { page, errors } = await openDiagram('hidden=4,3&seed=5');
  try {
    await stepNow(page, 20);
    const lay = await page.evaluate(() => {
      const c = document.querySelector('#diagram-canvas');
      return JSON.parse(window.saddle.playground.diagramLayout(c.clientWidth, c.clientHeight));
    });
    // A link of the second weight layer with a point no other link comes near.
    let target = null;
    let at = null;
    for (const k of lay.links.filter((l) => l.layer === 1)) {
      at = clearPointOn(k, lay.links);
      if (at) { target = k; break; }
    }
    assert.ok(target, 'some link has a clear point to click');
    const before = await params(page);
    const box = await page.locator('#diagram-canvas').boundingBox();
    await page.mouse.click(box.x + at.x, box.y + at.y);
    await page.waitForSelector('#weight-editor:not([hidden])');
    assert.equal(await page.inputValue('#weight-editor-value'), String(Number(target.weight.toPrecision(6))));

    // A value out of range: an inline error naming the range, nothing changes, the editor stays open.
    await page.fill('#weight-editor-value', '150');
    await page.press('#weight-editor-value', 'Enter');
    const err = await page.textContent('#weight-editor-error');
    assert.match(err, /100/);
    assert.ok(await page.isVisible('#weight-editor-error'));
    assert.deepEqual(changed(before, await params(page)), []);

    await page.fill('#weight-editor-value', '2.5');
    await page.press('#weight-editor-value', 'Enter');
    await page.waitForSelector('#weight-editor', { state: 'hidden' });
    const after = await params(page);
    assert.deepEqual(changed(before, after), [target.index], 'only the clicked weight changed');
    assert.equal(after[target.index], 2.5);
    const edits = (await hashMap(page)).get('edits') ?? '';
    assert.match(decodeURIComponent(edits), new RegExp(`(^|,)20:${target.index}:2\\.5($|,)`), `edits in the URL: ${edits}`);

    // Keyboard: Enter on a unit offers its bias and incoming weights; Escape cancels without a change.
    await page.focus('#unit-2-1');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#weight-editor:not([hidden])');
    const options = await page.locator('#weight-editor-link option').count();
    assert.equal(options, 1 + 4, 'bias + 4 incoming weights');
    await page.keyboard.press('Escape');
    await page.waitForSelector('#weight-editor', { state: 'hidden' });
    assert.equal(await page.evaluate(() => document.activeElement.id), 'unit-2-1', 'focus returns to the unit');
    assert.deepEqual(changed(after, await params(page)), []);

    await page.keyboard.press('Enter');
    await page.selectOption('#weight-editor-link', '0'); // the bias
    await page.fill('#weight-editor-value', '-0.75');
    await page.click('#weight-editor-ok');
    await page.waitForSelector('#weight-editor', { state: 'hidden' });
    const biasIndex = lay.layers[2].units[1].biasIndex;
    const edited = await params(page);
    assert.deepEqual(changed(after, edited), [biasIndex], 'only the bias changed');
    assert.equal(edited[biasIndex], -0.75);

    // The run continues from the edited network.
    const s = await stepNow(page, 10);
    assert.equal(s.diverged, null);
    assert.deepEqual(errors, [], errors.join('\n'));
  } finally {
    await closePage(page);
  }
});

test('the +/− buttons add and remove layers and units within the limits', { timeout: 90_000 }, async () => {
  const { page, errors } = await openDiagram('hidden=4,2');
  try {
    const hidden = async () => (await hashMap(page)).get('hidden');
    const units = () => page.locator('.diagram-unit').count();
    await page.click('#diagram-add-unit-1');
    await page.waitForFunction(() => new URLSearchParams(location.hash.slice(1)).get('hidden') === '5,2');
    await page.waitForSelector('#unit-1-4');
    await page.click('#diagram-remove-unit-2');
    await page.waitForFunction(() => new URLSearchParams(location.hash.slice(1)).get('hidden') === '5,1');
    assert.ok(await page.isDisabled('#diagram-remove-unit-2'), 'a layer keeps at least one unit');
    await page.click('#diagram-remove-layer');
    await page.waitForFunction(() => new URLSearchParams(location.hash.slice(1)).get('hidden') === '5');
    await page.click('#diagram-add-layer');
    await page.waitForFunction(() => new URLSearchParams(location.hash.slice(1)).get('hidden') === '5,5');
    await page.waitForSelector('#unit-2-4');
    assert.equal(await units(), 2 + 5 + 5 + 1);
    assert.equal(await hidden(), '5,5');
    assert.deepEqual(errors, [], errors.join('\n'));
  } finally {
    await closePage(page);
  }
});

for (const vp of [{ width: 1440, height: 900 }, { width: 375, height: 800 }]) {
  test(`screenshot of the diagram at ${vp.width} px: six layers of eight, a unit focused`, { timeout: 90_000 }, async () => {
    const { page, errors } = await openDiagram(DEEP);
    try {
      await page.setViewportSize(vp);
      await page.waitForFunction(() => {
        const c = document.querySelector('#diagram-canvas');
        return c.width === Math.round(c.clientWidth * devicePixelRatio);
      });
      await stepNow(page, 500);
      await page.focus('#unit-3-2');
      await animationFrames(page, 2);
      const geo = await page.evaluate(() => {
        const c = document.querySelector('#diagram-canvas').getBoundingClientRect();
        const units = [...document.querySelectorAll('.diagram-unit')].map((b) => b.getBoundingClientRect());
        return { left: c.left, right: c.right, units: units.map((r) => [r.left, r.right]), scrollWidth: document.documentElement.scrollWidth };
      });
      assert.ok(geo.scrollWidth <= vp.width, `no horizontal overflow (${geo.scrollWidth})`);
      assert.ok(geo.units.every(([l, r]) => l >= geo.left - 0.5 && r <= geo.right + 0.5), 'every unit inside the canvas');
      const file = await screenshot(page, `diagram-${vp.width}`);
      await page.locator('#network-panel').screenshot({ path: file.replace(/\.png$/, '-panel.png') });
      // With the editor open on a unit's incoming weights.
      await page.keyboard.press('Enter');
      await page.waitForSelector('#weight-editor:not([hidden])');
      await page.locator('#network-panel').screenshot({ path: file.replace(/\.png$/, '-editor.png') });
      assert.deepEqual(errors, [], errors.join('\n'));
    } finally {
      await closePage(page);
    }
  });
}
