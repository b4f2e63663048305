//! Input features: a toggle rewrites `feat` in the hash and the network's input layer follows (and still trains);
//! 1-D sets offer only the x1-based features and a switch to one drops the rest with a notice; a change of the
//! network's shape drops weight edits and frozen weights (they would not fit), a live change keeps them.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useBrowser, openPlayground, stats, stepNow, hashMap, changedKeys, setControl, info, closePage,
} from './helpers.mjs';

const env = useBrowser();

/** Checked feature toggles, in page order. */
async function checkedFeatures(page) {
  return page.locator('#field-feat input[type=checkbox]').evaluateAll((els) => els.filter((e) => e.checked).map((e) => e.value));
}

test('a feature toggle changes feat in the hash and the input layer width; the network still trains', { timeout: 60_000 }, async () => {
  const { page, errors } = await openPlayground(env.browser, env.server, 'dataset=circle&seed=5');
  try {
    assert.deepEqual(await checkedFeatures(page), ['x1', 'x2']);
    assert.equal((await hashMap(page)).get('feat'), 'x1,x2');
    assert.deepEqual((await info(page)).widths.slice(0, 1), [2]);

    let before = await hashMap(page);
    await page.check('#feat-x1sq');
    let after = await hashMap(page);
    assert.deepEqual(changedKeys(before, after), ['feat']);
    assert.equal(after.get('feat'), 'x1,x2,x1sq');
    let i = await info(page);
    assert.deepEqual(i.features, ['x1', 'x2', 'x1sq']);
    assert.equal(i.widths[0], 3, 'the input layer has one unit per feature');
    assert.equal((await page.textContent('#feat-count')).trim(), '3 inputs');

    await page.check('#feat-sin2');
    await page.uncheck('#feat-x2');
    after = await hashMap(page);
    assert.equal(after.get('feat'), 'x1,x1sq,sin2', 'written in the fixed feature order');
    i = await info(page);
    assert.equal(i.widths[0], 3);
    assert.equal(i.params, 3 * 4 + 4 + 4 * 2 + 2 + 2 + 1, 'the first layer\'s weights follow the input width');

    const s0 = await stats(page);
    assert.equal(s0.step, 0, 'a feature change starts a new run');
    const s1 = await stepNow(page, 400);
    assert.ok(s1.trainLoss < s0.trainLoss, `trains: ${s0.trainLoss} -> ${s1.trainLoss}`);

    // Unchecking every feature is invalid: the message names the problem; the hash keeps the last valid list.
    await page.uncheck('#feat-x1');
    await page.uncheck('#feat-x1sq');
    assert.equal((await hashMap(page)).get('feat'), 'sin2');
    await page.uncheck('#feat-sin2');
    assert.equal((await hashMap(page)).get('feat'), 'sin2', 'the hash keeps the last valid list');
    assert.ok(await page.isVisible('#error-feat'));
    assert.match(await page.textContent('#error-feat'), /feat.*at least one/);
    await page.check('#feat-x1');
    assert.equal((await hashMap(page)).get('feat'), 'x1');
    assert.equal(await page.isVisible('#error-feat'), false);
    assert.equal((await info(page)).widths[0], 1);
    assert.deepEqual(errors, [], errors.join('\n'));
  } finally {
    await closePage(page);
  }
});

test('1-D sets offer only x1-based features; switching to one drops the others and says so', { timeout: 60_000 }, async () => {
  const { page, errors } = await openPlayground(env.browser, env.server, 'dataset=circle&feat=x1,x2,x1sq,x1x2,sin1');
  try {
    assert.deepEqual(await checkedFeatures(page), ['x1', 'x2', 'x1sq', 'x1x2', 'sin1']);
    await setControl(page, '#field-dataset', 'cubic');
    const h = await hashMap(page);
    assert.equal(h.get('dataset'), 'cubic');
    assert.equal(h.get('feat'), 'x1,x1sq,sin1');
    const boxes = await page.locator('#field-feat input').evaluateAll((els) => els.map((e) => e.value));
    assert.deepEqual(boxes, ['x1', 'x1sq', 'sin1', 'cos1'], 'only features of x1 on a 1-D set');
    assert.equal((await info(page)).widths[0], 3);
    assert.ok(await page.isVisible('#notice'));
    assert.match(await page.textContent('#notice'), /input features this data set cannot use/);

    // A 1-D set's plain x1 becomes the 2-D default again.
    await page.uncheck('#feat-x1sq');
    await page.uncheck('#feat-sin1');
    assert.equal((await hashMap(page)).get('feat'), 'x1');
    await setControl(page, '#field-dataset', 'moons');
    assert.equal((await hashMap(page)).get('feat'), 'x1,x2');
    assert.deepEqual(await checkedFeatures(page), ['x1', 'x2']);
    assert.deepEqual(errors, [], errors.join('\n'));
  } finally {
    await closePage(page);
  }
});

test('a shape change drops weight edits and frozen weights with a notice; a live change keeps them', { timeout: 60_000 }, async () => {
  const { page, errors } = await openPlayground(env.browser, env.server, 'dataset=xor&edits=0:0:0.5,3:1:-1.25');
  try {
    assert.equal((await hashMap(page)).get('edits'), '0:0:0.5,3:1:-1.25');
    assert.match(await page.textContent('#weights-status'), /2 weight edits/);
    await setControl(page, '#field-lr', '0.1');
    assert.equal((await hashMap(page)).get('edits'), '0:0:0.5,3:1:-1.25', 'a live change keeps the edits');

    await setControl(page, '#field-hidden-0', '5');
    let h = await hashMap(page);
    assert.equal(h.get('hidden'), '5,2');
    assert.equal(h.has('edits'), false, 'edits no longer fit the new shape');
    assert.match(await page.textContent('#notice'), /weight edits.*would not fit/);

    // Freeze the trained weights into the link: weights= appears, edits go, the run restarts at step 0.
    await stepNow(page, 50);
    await page.click('#freeze-weights');
    h = await hashMap(page);
    assert.ok(h.get('weights')?.length > 20, `weights= in the hash: ${h.get('weights')}`);
    assert.equal(h.has('edits'), false);
    assert.equal((await stats(page)).step, 0);
    assert.match(await page.textContent('#weights-status'), /frozen/);

    // A feature toggle changes the shape: the frozen weights go too.
    await page.check('#feat-x1x2');
    h = await hashMap(page);
    assert.equal(h.has('weights'), false);
    assert.match(await page.textContent('#notice'), /frozen weights/);
    assert.deepEqual(errors, [], errors.join('\n'));
  } finally {
    await closePage(page);
  }
});
