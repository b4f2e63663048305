//! Normalization, rescaling and weight noise in the form: `bn` changes the parameter count, so switching it drops
//! weight edits and frozen weights like a hidden-layer change; freezing weights drops `rescale` (the frozen
//! weights already are the rescaled network, and a link that kept both would rescale twice); `rescale` is a kind
//! plus a number and `wnoise` a number, each with its inline error naming the range.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, openPlayground, stats, stepNow, hashMap, setControl, closePage } from './helpers.mjs';

const env = useBrowser();

test('switching bn drops weight edits and frozen weights with a notice', { timeout: 60_000 }, async () => {
  const { page, errors } = await openPlayground(env.browser, env.server, 'dataset=xor&hidden=4&edits=0:0:0.5');
  try {
    assert.equal((await hashMap(page)).get('edits'), '0:0:0.5');
    await setControl(page, '#field-bn', 'hidden');
    let h = await hashMap(page);
    assert.equal(h.get('bn'), 'hidden');
    assert.equal(h.has('edits'), false, 'edits address the old parameter layout');
    assert.match(await page.textContent('#notice'), /weight edits.*would not fit/);

    await stepNow(page, 20);
    await page.click('#freeze-weights');
    h = await hashMap(page);
    assert.ok(h.get('weights')?.length > 20, 'weights= with γ and β');
    await setControl(page, '#field-bn', 'none');
    h = await hashMap(page);
    assert.equal(h.has('bn'), false);
    assert.equal(h.has('weights'), false, 'frozen weights of the normalized network no longer fit');
    assert.match(await page.textContent('#notice'), /frozen weights/);
    assert.deepEqual(errors, [], errors.join('\n'));
  } finally {
    await closePage(page);
  }
});

test('freezing weights drops rescale, so the link rebuilds exactly the frozen network', { timeout: 60_000 }, async () => {
  const { page, errors } = await openPlayground(env.browser, env.server, 'dataset=circle&hidden=6&act=relu&init=he&rescale=3&seed=7');
  let hash;
  let frozen;
  try {
    assert.equal((await hashMap(page)).get('rescale'), '3');
    await stepNow(page, 25);
    frozen = await page.evaluate(() => window.saddle.playground.frozenWeights());
    await page.click('#freeze-weights');
    const h = await hashMap(page);
    assert.equal(h.get('weights'), frozen);
    assert.equal(h.has('rescale'), false, 'rescale goes with the freeze');
    assert.match(await page.textContent('#notice'), /rescaling was dropped/);
    assert.equal((await stats(page)).step, 0);
    assert.equal(await page.evaluate(() => window.saddle.playground.frozenWeights()), frozen, 'the run starts from them');
    hash = await page.evaluate(() => location.hash);
    assert.deepEqual(errors, [], errors.join('\n'));
  } finally {
    await closePage(page);
  }
  const again = await openPlayground(env.browser, env.server, hash);
  try {
    assert.equal(await again.page.evaluate(() => window.saddle.playground.frozenWeights()), frozen, 'not rescaled twice');
    assert.deepEqual(again.errors, [], again.errors.join('\n'));
  } finally {
    await closePage(again.page);
  }
});

test('rescale and wnoise are proper controls with inline errors; a valid value reaches the hash', { timeout: 60_000 }, async () => {
  const { page, errors } = await openPlayground(env.browser, env.server, 'dataset=circle&hidden=4&act=relu');
  try {
    const kinds = await page.$$eval('#field-rescale option', (os) => os.map((o) => o.value));
    assert.deepEqual(kinds, ['none', 'scale', 'random']);
    assert.equal(await page.isVisible('#field-rescale-value'), false, 'no number for none');
    assert.equal(await page.isVisible('#group-network #field-bn'), true, 'bn sits with the network settings');
    assert.equal(await page.isVisible('#group-dropout #field-wnoise'), true, 'weight noise with the noise settings');

    await setControl(page, '#field-rescale', 'scale');
    assert.equal((await hashMap(page)).get('rescale'), '2', 'the scale kind starts at s = 2');
    assert.equal(await page.isVisible('#field-rescale-value'), true);
    await setControl(page, '#field-rescale-value', '500');
    assert.ok(await page.isVisible('#error-rescale'));
    assert.match(await page.textContent('#error-rescale'), /\[0\.01, 100\]/);
    assert.equal(await page.getAttribute('#field-rescale', 'aria-invalid'), 'true');
    assert.equal((await hashMap(page)).get('rescale'), '2', 'an invalid value leaves the hash alone');
    await setControl(page, '#field-rescale', 'random');
    assert.equal((await hashMap(page)).get('rescale'), 'random:0.5');
    assert.equal(await page.isVisible('#error-rescale'), false);

    // A node rescaling needs homogeneous activations: tanh is refused beside the rescale control.
    await setControl(page, '#field-act-0', 'tanh');
    assert.ok(await page.isVisible('#error-rescale'));
    assert.match(await page.textContent('#error-rescale'), /tanh/);
    await setControl(page, '#field-act-0', 'relu');

    await setControl(page, '#field-wnoise', '5');
    assert.ok(await page.isVisible('#error-wnoise'));
    assert.match(await page.textContent('#error-wnoise'), /\[0, 1\]/);
    assert.equal((await hashMap(page)).has('wnoise'), false);
    await setControl(page, '#field-wnoise', '0.05');
    assert.equal((await hashMap(page)).get('wnoise'), '0.05');
    assert.equal(await page.isVisible('#error-wnoise'), false);
    assert.deepEqual(errors, [], errors.join('\n'));
  } finally {
    await closePage(page);
  }
});
