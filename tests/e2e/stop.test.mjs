//! Stop-at: `stop=epochs:N` stops exactly at epoch N and #status says so; Play and Step then train nothing and a
//! notice explains why; a new limit applies live (no restart) and training goes on to it; "Remove the stop" trains
//! on; `stop=loss:L` stops once the train loss reaches L; an invalid value shows #error-stop naming the range.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, openPlayground, stats, stepNow, hashMap, setControl, closePage } from './helpers.mjs';

const env = useBrowser();
/** 400 points, half for training, batch 10: 20 steps per epoch. */
const BASE = 'dataset=circle&n=400&test=0.5&batch=10&seed=1';

test('stop=epochs:N stops at epoch N; Play explains; a new limit applies live; removing the stop trains on', { timeout: 60_000 }, async () => {
  const { page, errors } = await openPlayground(env.browser, env.server, `${BASE}&stop=epochs:5`);
  try {
    assert.equal(await page.inputValue('#field-stop'), 'epochs');
    assert.equal(await page.inputValue('#field-stop-value'), '5');
    let s = await stepNow(page, 1000);
    assert.equal(s.epoch, 5);
    assert.equal(s.step, 100);
    assert.equal(s.stopped, true);
    assert.equal(await page.textContent('#status'), 'Stopped (epoch 5 reached)');
    assert.equal(await page.textContent('#metric-epoch'), '5');

    // Play while stopped: nothing runs, and the page says why.
    await page.click('#play');
    assert.ok(await page.isVisible('#stop-notice'));
    assert.match(await page.textContent('#stop-message'), /epoch 5 reached/);
    assert.equal((await stats(page)).step, 100);

    // A higher limit is a live change: same run, and Play trains on to it.
    await setControl(page, '#field-stop-value', '8');
    assert.equal((await hashMap(page)).get('stop'), 'epochs:8');
    s = await stats(page);
    assert.equal(s.step, 100, 'not restarted');
    assert.equal(s.stopped, false);
    assert.equal(await page.isVisible('#stop-notice'), false);
    await page.click('#play');
    await page.waitForFunction(() => document.querySelector('#status').textContent.startsWith('Stopped'), null, { timeout: 10_000 });
    assert.equal(await page.textContent('#status'), 'Stopped (epoch 8 reached)');
    assert.equal((await stats(page)).step, 160);

    // Remove the stop from the notice: stop=none, and it trains on.
    await page.click('#play');
    await page.click('#stop-remove');
    assert.equal((await hashMap(page)).get('stop'), 'none');
    await page.waitForFunction(() => JSON.parse(window.saddle.playground.stats()).step > 200, null, { timeout: 10_000 });
    await page.click('#pause');
    assert.equal(await page.textContent('#status'), 'Paused');
    assert.deepEqual(errors, [], errors.join('\n'));
  } finally {
    await closePage(page);
  }
});

test('stop=loss:L stops once the train loss is at most L', { timeout: 60_000 }, async () => {
  const { page, errors } = await openPlayground(env.browser, env.server, `${BASE}&lr=0.1&stop=loss:0.5`);
  try {
    assert.equal(await page.inputValue('#field-stop'), 'loss');
    const s = await stepNow(page, 20_000);
    assert.equal(s.stopped, true, JSON.stringify(s));
    assert.ok(s.step < 20_000, `stopped early, at step ${s.step}`);
    assert.ok(s.trainLoss <= 0.5, `train loss ${s.trainLoss}`);
    assert.equal(await page.textContent('#status'), 'Stopped (train loss ≤ 0.5)');
    assert.deepEqual(errors, [], errors.join('\n'));
  } finally {
    await closePage(page);
  }
});

test('an invalid stop value shows #error-stop naming the range and keeps the run', { timeout: 60_000 }, async () => {
  const { page, errors } = await openPlayground(env.browser, env.server, BASE);
  try {
    await page.selectOption('#field-stop', 'epochs');
    assert.equal((await hashMap(page)).get('stop'), 'epochs:100');
    await setControl(page, '#field-stop-value', '0');
    assert.ok(await page.isVisible('#error-stop'));
    const msg = await page.textContent('#error-stop');
    assert.match(msg, /^stop\b/, 'names the field');
    assert.match(msg, /\[1, 1000000\]/, `names the range: ${msg}`);
    assert.equal((await hashMap(page)).get('stop'), 'epochs:100', 'the hash keeps the last valid value');
    await page.selectOption('#field-stop', 'loss');
    await setControl(page, '#field-stop-value', '-1');
    assert.match(await page.textContent('#error-stop'), /\(0, 1000\]/);
    await setControl(page, '#field-stop-value', '0.2');
    assert.equal(await page.isVisible('#error-stop'), false);
    assert.equal((await hashMap(page)).get('stop'), 'loss:0.2');

    // A bad stop in the address: the banner and the field name it, and the default (never) is used.
    await page.evaluate(() => { location.hash = 'dataset=circle&stop=epochs:0'; });
    await page.waitForFunction(() => !document.querySelector('#error-banner').hidden);
    assert.match(await page.textContent('#error-banner'), /stop/);
    assert.ok(await page.isVisible('#error-stop'));
    assert.equal((await hashMap(page)).get('stop'), 'none');
    assert.deepEqual(errors, [], errors.join('\n'));
  } finally {
    await closePage(page);
  }
});
