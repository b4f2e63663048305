//! Data by clicking: a click on the data plot adds a point of the selected class (Shift: the other class; 1-D
//! sets: an (x, y) point), kept compactly in `pts=`; a fresh page at that URL reproduces the same run step for
//! step; Alt-click removes the nearest point within 0.3 (a generated one joins `del=`, a clicked one leaves
//! `pts=`), and a miss says so; Clear points drops both. The keyboard form (x, y, "Add point") does what a click
//! does and refuses values outside the plot's range inline.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useBrowser, openPlayground, stats, stepNow, hashMap, info, clickData, decodePoints, closePage,
} from './helpers.mjs';

const env = useBrowser();

/** Points to click on the empty custom set: [x, y, class from the selector, shift]. */
const CLICKS = [
  [-3, 3, 0, false], [-2, 4, 0, false], [3, -3, 1, false], [4, -2, 1, false],
  [-4, -4, 1, true], [2.5, 3.5, 1, true], [-1, -1, 1, false], [1, 1, 0, false],
];

test('clicks add points of the selected class (Shift: the other one) into pts=; the link reproduces the run', { timeout: 90_000 }, async () => {
  const first = await openPlayground(env.browser, env.server, 'dataset=custom&seed=3&hidden=4&lr=0.1');
  let hash;
  let expected;
  try {
    const page = first.page;
    let i = await info(page);
    assert.equal(i.train + i.test, 0, 'the custom set starts empty');
    assert.equal(await page.isVisible('#click-class'), true);
    const s0 = await stats(page);
    assert.equal(s0.trainLoss, null, 'no data: the loss is not a number (shown as —), and nothing diverges');
    assert.equal(s0.diverged, null);

    for (const [n, [x, y, k, shift]] of CLICKS.entries()) {
      await page.selectOption('#click-class', String(k));
      await clickData(page, x, y, shift ? ['Shift'] : []);
      i = await info(page);
      assert.equal(i.added, n + 1, `click ${n + 1} adds one point`);
      assert.equal(i.train + i.test, n + 1);
    }
    const h = await hashMap(page);
    const pts = decodePoints(h.get('pts'));
    assert.equal(pts.length, CLICKS.length);
    for (const [n, [x, y, k, shift]] of CLICKS.entries()) {
      assert.ok(Math.abs(pts[n].x - x) < 0.06 && Math.abs(pts[n].y - y) < 0.06, `point ${n} at (${x}, ${y}): ${JSON.stringify(pts[n])}`);
      assert.equal(pts[n].label, shift ? 1 - k : k, `point ${n}: class ${k}${shift ? ' shifted' : ''}`);
    }
    assert.match(await page.textContent('#point-counts'), /8 clicked/);

    const s = await stepNow(page, 150);
    assert.equal(s.step, 150);
    assert.ok(Number.isFinite(s.trainLoss), `trains on the clicked points: ${JSON.stringify(s)}`);
    hash = await page.evaluate(() => location.hash);
    expected = s;
    assert.deepEqual(first.errors, [], first.errors.join('\n'));
  } finally {
    await closePage(first.page);
  }

  const second = await openPlayground(env.browser, env.server, hash);
  try {
    assert.equal(await second.page.evaluate(() => location.hash), hash, 'the canonical hash is kept');
    assert.equal((await info(second.page)).added, CLICKS.length);
    assert.deepEqual(await stepNow(second.page, 150), expected, 'same URL, same steps -> the same stats');
    assert.deepEqual(second.errors, [], second.errors.join('\n'));
  } finally {
    await closePage(second.page);
  }
});

test('Alt-click removes the nearest point: a generated one into del=, a clicked one out of pts=; a miss says so', { timeout: 60_000 }, async () => {
  const { page, errors } = await openPlayground(env.browser, env.server, 'dataset=circle&seed=2');
  try {
    const i0 = await info(page);
    // The circle set's class-1 disc is densest at the centre: a point lies within 0.3 of (0, 0).
    await clickData(page, 0, 0, ['Alt']);
    let h = await hashMap(page);
    assert.ok(h.get('del'), `del= in the hash: ${[...h.keys()]}`);
    let i = await info(page);
    assert.equal(i.removed, 1);
    assert.equal(i.train + i.test, i0.train + i0.test - 1);

    // A clicked point far from the data, then Alt-click on it: it leaves pts= again.
    await clickData(page, 5.5, -5.5);
    assert.equal(decodePoints((await hashMap(page)).get('pts')).length, 1);
    await clickData(page, 5.52, -5.45, ['Alt']);
    h = await hashMap(page);
    assert.equal(h.has('pts'), false, 'the clicked point is gone');
    assert.ok(h.get('del'), 'the earlier removal stays');

    // Nothing within 0.3 of the corner: the page says so and the hash stays.
    const before = await page.evaluate(() => location.hash);
    await clickData(page, -5.8, 5.8, ['Alt']);
    assert.equal(await page.evaluate(() => location.hash), before);
    assert.ok(await page.isVisible('#error-click'));
    assert.match(await page.textContent('#error-click'), /No point within 0\.3/);

    // Clear points brings the removed point back.
    await page.click('#clear-points');
    h = await hashMap(page);
    assert.equal(h.has('del'), false);
    assert.equal(h.has('pts'), false);
    i = await info(page);
    assert.equal(i.train + i.test, i0.train + i0.test);
    assert.deepEqual(errors, [], errors.join('\n'));
  } finally {
    await closePage(page);
  }
});

test('1-D sets: a click adds an (x, y) regression point; a dataset change drops clicked points', { timeout: 60_000 }, async () => {
  const { page, errors } = await openPlayground(env.browser, env.server, 'dataset=custom-curve');
  try {
    assert.equal(await page.isVisible('#click-class'), false, 'no class to choose on a regression set');
    await clickData(page, 1, 2);
    await clickData(page, -2, -1.5);
    const pts = decodePoints((await hashMap(page)).get('pts'));
    assert.equal(pts.length, 2);
    assert.ok(Math.abs(pts[0].x - 1) < 0.06 && Math.abs(pts[0].y - 2) < 0.06, JSON.stringify(pts));
    assert.equal(pts[0].label, 0);
    assert.equal((await info(page)).added, 2);
    const s = await stepNow(page, 20);
    assert.ok(Number.isFinite(s.trainLoss) || Number.isFinite(s.testLoss), JSON.stringify(s));

    await page.selectOption('#field-dataset', 'cubic');
    assert.equal((await hashMap(page)).has('pts'), false, 'clicked points belong to the old data set');
    assert.match(await page.textContent('#notice'), /clicked points/);
    assert.deepEqual(errors, [], errors.join('\n'));
  } finally {
    await closePage(page);
  }
});

test('keyboard entry: x, y and the class select add a point with "Add point"; out-of-range values are refused inline', { timeout: 60_000 }, async () => {
  const { page, errors } = await openPlayground(env.browser, env.server, 'dataset=custom&seed=3');
  try {
    // Reachable and labelled without a pointer.
    for (const id of ['add-point-x', 'add-point-y']) {
      assert.equal(await page.evaluate((i) => document.querySelector(`label[for="${i}"]`)?.textContent, id), id.slice(-1));
    }
    await page.selectOption('#click-class', '1');
    await page.focus('#add-point-x');
    await page.keyboard.type('2.5');
    await page.keyboard.press('Tab');
    await page.keyboard.type('-3');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => location.hash.includes('pts='));
    let pts = decodePoints((await hashMap(page)).get('pts'));
    assert.deepEqual(pts, [{ x: 2.5, y: -3, label: 1 }]);
    assert.equal((await info(page)).added, 1);
    assert.equal(await page.isVisible('#error-add-point'), false);

    // Out of the plot's range: nothing is added, the message names the range, the field is marked.
    const before = await page.evaluate(() => location.hash);
    await page.fill('#add-point-x', '9');
    await page.click('#add-point');
    assert.ok(await page.isVisible('#error-add-point'));
    assert.match(await page.textContent('#error-add-point'), /x must be a number in \[-6, 6\].*not 9/);
    assert.equal(await page.getAttribute('#add-point-x', 'aria-invalid'), 'true');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'add-point-x', 'focus goes to the bad field');
    assert.equal(await page.evaluate(() => location.hash), before);
    await page.fill('#add-point-x', '');
    await page.click('#add-point');
    assert.match(await page.textContent('#error-add-point'), /not empty/);

    // A second point with the keyboard, class 0.
    await page.selectOption('#click-class', '0');
    await page.fill('#add-point-x', '-1');
    await page.fill('#add-point-y', '4');
    await page.press('#add-point-y', 'Enter');
    await page.waitForFunction(() => (location.hash.match(/pts=([^&]*)/)?.[1].length ?? 0) > 7);
    pts = decodePoints((await hashMap(page)).get('pts'));
    assert.deepEqual(pts[1], { x: -1, y: 4, label: 0 });
    assert.equal(await page.isVisible('#error-add-point'), false);
    assert.equal(await page.getAttribute('#add-point-x', 'aria-invalid'), null);

    // 1-D sets: y is the target, within the set's own range; no class.
    await page.selectOption('#field-dataset', 'custom-curve');
    assert.equal(await page.textContent('label[for="add-point-y"]'), 'y (target)');
    assert.equal(await page.isVisible('#click-class'), false);
    await page.fill('#add-point-x', '1');
    await page.fill('#add-point-y', '5');
    await page.click('#add-point');
    assert.match(await page.textContent('#error-add-point'), /target y must be a number in \[-4, 4\]/);
    await page.fill('#add-point-y', '-2');
    await page.click('#add-point');
    await page.waitForFunction(() => location.hash.includes('pts='));
    assert.deepEqual(decodePoints((await hashMap(page)).get('pts')), [{ x: 1, y: -2, label: 0 }]);
    assert.deepEqual(errors, [], errors.join('\n'));
  } finally {
    await closePage(page);
  }
});
