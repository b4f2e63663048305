//! The URL hash is the settings: editing a control rewrites location.hash (only the edited key changes), an
//! invalid edit leaves it alone and shows the message beside the control, a fresh page opened at that hash shows
//! the same settings and reproduces the same losses step for step, and a bad hash names the bad fields, falls back
//! to the defaults for them only, and still trains.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useBrowser, openPlayground, stats, stepNow, metricText, hashMap, queryMap, changedKeys, setControl,
  controlValues, catalog, closePage,
} from './helpers.mjs';

const env = useBrowser();

/** Change one control and return the keys of the hash that changed, and the new hash map. */
async function edit(page, selector, value) {
  const before = await hashMap(page);
  await setControl(page, selector, value);
  const after = await hashMap(page);
  return { changed: changedKeys(before, after), hash: after };
}

test('editing controls rewrites location.hash: lr, dataset, a hidden width, an activation, add layer', { timeout: 60_000 }, async () => {
  const { page, errors } = await openPlayground(env.browser, env.server);
  try {
    const cat = await catalog(page);
    assert.deepEqual(await hashMap(page), queryMap(cat.defaultQuery), 'an empty hash becomes the default query');

    let r = await edit(page, '#field-lr', '0.1');
    assert.deepEqual(r.changed, ['lr']);
    assert.equal(r.hash.get('lr'), '0.1');

    r = await edit(page, '#field-dataset', 'xor');
    assert.deepEqual(r.changed, ['dataset']);
    assert.equal(r.hash.get('dataset'), 'xor');

    r = await edit(page, '#field-hidden-0', '7');
    assert.deepEqual(r.changed, ['hidden']);
    assert.equal(r.hash.get('hidden'), '7,2');

    r = await edit(page, '#field-act-1', 'relu');
    assert.deepEqual(r.changed, ['act']);
    assert.equal(r.hash.get('act'), 'tanh,relu');

    const b = await hashMap(page);
    await page.click('#add-layer');
    const a = await hashMap(page);
    assert.ok(changedKeys(b, a).includes('hidden'), `add layer changes hidden: ${changedKeys(b, a)}`);
    assert.equal(a.get('hidden'), '7,2,2', 'a new layer copies the last width');

    r = await edit(page, '#field-n', '600');
    assert.deepEqual(r.changed, ['n']);
    assert.equal(r.hash.get('n'), '600');

    // A regression set needs a regression head and has one input: the dataset change brings the head and the
    // 1-D default features along.
    r = await edit(page, '#field-dataset', 'cubic');
    assert.deepEqual(r.changed, ['dataset', 'feat', 'head']);
    assert.equal(r.hash.get('feat'), 'x1');
    const head = cat.heads.find((hd) => hd.key === r.hash.get('head'));
    assert.ok(head?.tasks.includes('regression'), `head ${r.hash.get('head')} suits regression`);

    // The optimizer change swaps the hyperparameter keys for the new optimizer's, at their defaults.
    const adam = cat.optimizers.find((o) => o.key === 'adam');
    if (adam) {
      r = await edit(page, '#field-opt', 'adam');
      assert.equal(r.hash.get('opt'), 'adam');
      const allHyper = new Set(cat.optimizers.flatMap((o) => o.hyperparams.map((hp) => hp.name)));
      const inHash = [...r.hash.keys()].filter((k) => allHyper.has(k)).sort();
      // The shared schedule and noise hyperparameters (omitDefault) stay out of links at their defaults.
      const linked = adam.hyperparams.filter((hp) => !hp.omitDefault);
      assert.deepEqual(inHash, linked.map((hp) => hp.name).sort(), 'exactly adam\'s hyperparameters');
      for (const hp of linked) {
        assert.equal(Number(r.hash.get(hp.name)), hp.default, `${hp.name} at its default`);
        assert.ok(await page.isVisible(`#field-${hp.name}`), `#field-${hp.name} shown`);
      }
    }
    assert.deepEqual(errors, [], errors.join('\n'));
  } finally {
    await closePage(page);
  }
});

test('an invalid edit shows the message beside the control and leaves the hash and the run alone', { timeout: 60_000 }, async () => {
  const { page, errors } = await openPlayground(env.browser, env.server);
  try {
    await stepNow(page, 20);
    const before = await page.evaluate(() => location.hash);
    await setControl(page, '#field-n', '5');
    assert.equal(await page.evaluate(() => location.hash), before, 'the hash keeps the last valid settings');
    assert.ok(await page.isVisible('#error-n'), '#error-n is shown');
    const msg = await page.textContent('#error-n');
    assert.match(msg, /\bn\b/, 'the message names the field');
    assert.match(msg, /10/, 'the message gives the range');
    assert.equal(await page.getAttribute('#field-n', 'aria-invalid'), 'true');
    assert.equal((await stats(page)).step, 20, 'the running Playground is kept');

    await setControl(page, '#field-n', '300');
    assert.equal(await page.isVisible('#error-n'), false, 'the message clears once the value is valid');
    assert.equal((await hashMap(page)).get('n'), '300');
    assert.deepEqual(errors, [], errors.join('\n'));
  } finally {
    await closePage(page);
  }
});

test('a fresh page at a hash shows the same settings and reproduces the same losses after the same steps', { timeout: 90_000 }, async () => {
  const first = await openPlayground(env.browser, env.server);
  const controls = ['#field-dataset', '#field-hidden-0', '#field-hidden-1', '#field-act-0', '#field-act-1', '#field-lr',
    '#field-batch', '#field-seed', '#field-noise'];
  let hash;
  let expected;
  let shown;
  let firstControls;
  try {
    // Structural edits rebuild the run; lr is a live edit (no rebuild) made at step 0, so the run stays reproducible.
    await setControl(first.page, '#field-dataset', 'moons');
    await setControl(first.page, '#field-hidden-0', '6');
    await setControl(first.page, '#field-act-1', 'relu');
    await setControl(first.page, '#field-seed', '42');
    await setControl(first.page, '#field-batch', '16');
    await setControl(first.page, '#field-lr', '0.1');
    hash = await first.page.evaluate(() => location.hash);
    const m = queryMap(hash);
    assert.deepEqual([m.get('dataset'), m.get('hidden'), m.get('act'), m.get('seed'), m.get('batch'), m.get('lr')],
      ['moons', '6,2', 'tanh,relu', '42', '16', '0.1']);
    assert.equal((await stats(first.page)).step, 0);
    // 247 steps through the hook, then 3 with the Step button: 250 in all.
    await stepNow(first.page, 247);
    for (let i = 0; i < 3; i++) await first.page.click('#step');
    expected = await stats(first.page);
    assert.equal(expected.step, 250);
    shown = { test: await metricText(first.page, 'test-loss'), train: await metricText(first.page, 'train-loss'),
      acc: await metricText(first.page, 'test-acc') };
    firstControls = await controlValues(first.page, controls);
    assert.deepEqual(first.errors, [], first.errors.join('\n'));
  } finally {
    await closePage(first.page);
  }

  const second = await openPlayground(env.browser, env.server, hash);
  try {
    assert.equal(await second.page.evaluate(() => location.hash), hash, 'the canonical hash is kept');
    const values = await controlValues(second.page, controls);
    assert.deepEqual(values, firstControls, 'the controls show the settings from the hash');
    assert.deepEqual(
      [values['#field-dataset'], values['#field-hidden-0'], values['#field-act-1'], values['#field-lr'], values['#field-seed']],
      ['moons', '6', 'relu', '0.1', '42'],
    );
    assert.equal((await stats(second.page)).step, 0);
    const got = await stepNow(second.page, 250);
    assert.equal(got.step, 250);
    assert.deepEqual(got, expected, 'same hash, same steps -> bit-identical stats');
    assert.equal(got.testLoss, expected.testLoss);
    assert.deepEqual({ test: await metricText(second.page, 'test-loss'), train: await metricText(second.page, 'train-loss'),
      acc: await metricText(second.page, 'test-acc') }, shown);
    assert.ok(got.testLoss < 0.6, `the run actually trained (test loss ${got.testLoss})`);

    // The same hash pasted into an open page (a hashchange) applies it too: the default settings, then back.
    const cat = await catalog(second.page);
    await second.page.evaluate((q) => { location.hash = q; }, cat.defaultQuery);
    await second.page.waitForFunction((q) => window.saddle.query === q, cat.defaultQuery);
    assert.equal(await second.page.inputValue('#field-dataset'), queryMap(cat.defaultQuery).get('dataset'));
    await second.page.evaluate((q) => { location.hash = q; }, hash);
    await second.page.waitForFunction((q) => `#${window.saddle.query}` === q, hash);
    assert.deepEqual(await controlValues(second.page, controls), firstControls);
    assert.deepEqual(await stepNow(second.page, 250), expected, 'a hashchange restarts the same run');
    assert.deepEqual(second.errors, [], second.errors.join('\n'));
  } finally {
    await closePage(second.page);
  }
});

test('a bad hash names the bad fields, uses defaults for them only, keeps the good ones, and still trains', { timeout: 90_000 }, async () => {
  const { page, errors } = await openPlayground(env.browser, env.server, '#n=-5&lr=abc&dataset=nope&hidden=8&seed=7');
  try {
    const cat = await catalog(page);
    const def = queryMap(cat.defaultQuery);

    assert.ok(await page.isVisible('#error-banner'), 'the banner is shown');
    const items = await page.locator('#error-banner li').allTextContents();
    assert.equal(items.length, 3, `one line per bad field: ${JSON.stringify(items)}`);
    for (const [key, bad] of [['n', '-5'], ['lr', 'abc'], ['dataset', 'nope']]) {
      assert.ok(items.some((t) => t.startsWith(`${key}:`) && t.includes(`"${bad}"`)),
        `the banner names ${key} and its value ${bad}: ${JSON.stringify(items)}`);
      assert.ok(await page.isVisible(`#error-${key}`), `#error-${key} is shown`);
      assert.match(await page.textContent(`#error-${key}`), new RegExp(`^${key}\\b`));
      assert.equal(await page.getAttribute(`#field-${key}`, 'aria-invalid'), 'true');
    }
    assert.equal(await page.isVisible('#error-seed'), false, 'no message for a good field');

    // Bad fields fall back to the defaults; good ones are kept; the hash is rewritten to the canonical query.
    const h = await hashMap(page);
    assert.equal(h.get('n'), def.get('n'));
    assert.equal(h.get('lr'), def.get('lr'));
    assert.equal(h.get('dataset'), def.get('dataset'));
    assert.equal(h.get('hidden'), '8');
    assert.equal(h.get('seed'), '7');
    assert.deepEqual(changedKeys(h, def), ['hidden', 'seed']);
    const values = await controlValues(page, ['#field-n', '#field-lr', '#field-dataset', '#field-seed', '#field-hidden-0']);
    assert.deepEqual(values, { '#field-n': def.get('n'), '#field-lr': def.get('lr'), '#field-dataset': def.get('dataset'),
      '#field-seed': '7', '#field-hidden-0': '8' });

    // And it trains: Play lowers the test loss.
    const s0 = await stats(page);
    assert.equal(s0.step, 0);
    await page.click('#play');
    await page.waitForFunction((lim) => {
      const s = JSON.parse(window.saddle.playground.stats());
      return s.testLoss < lim;
    }, 0.7 * s0.testLoss, { timeout: 10_000, polling: 100 });
    await page.click('#pause');
    const s1 = await stats(page);
    assert.ok(s1.step > 0 && s1.testLoss < 0.7 * s0.testLoss, `${s0.testLoss} -> ${s1.testLoss} in ${s1.step} steps`);
    // The banner is the page's own message, not a console error.
    assert.deepEqual(errors, [], errors.join('\n'));

    // Dismissing the banner hides it.
    await page.click('#error-banner-close');
    assert.equal(await page.isVisible('#error-banner'), false);
  } finally {
    await closePage(page);
  }
});
