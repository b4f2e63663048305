//! Training in the page: Play lowers the test loss on the circle set within 5 s and Pause stops the loop; a huge
//! learning rate diverges, the page says so (#diverged) without blanking, and Reset (plus a sane lr) trains again.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useBrowser, openPlayground, stats, stepNow, metricText, metricNumber, hashMap, setControl, animationFrames,
  canvasStats, closePage,
} from './helpers.mjs';
import { screenshot } from './browser.mjs';

const env = useBrowser();

/** The default configuration, spelled out so that a change of defaults does not silently change this test. */
const CIRCLE = 'seed=1&dataset=circle&n=400&noise=0.1&test=0.5&feat=x1,x2&hidden=4,2&act=tanh&head=sigmoid-bce'
  + '&init=glorot&drop=none&dscale=inverted&reg=none&lambda=0.001&opt=sgd&batch=10&stop=none&lr=0.03';
/** SGD with lr = 10 on a ReLU regression network: diverges within a few steps. */
const DIVERGE = 'dataset=cubic&head=linear-mse&hidden=16,16&act=relu&opt=sgd&lr=10&batch=5';
const PLAY_BUDGET_MS = 5_000;

/** Click Play and wait (at most PLAY_BUDGET_MS) until the displayed test loss is below `limit`. */
async function playUntilTestLossBelow(page, limit) {
  const t0 = Date.now();
  await page.click('#play');
  await page.waitForFunction(
    (lim) => {
      const t = document.querySelector('#metric-test-loss').textContent.replace(/,/g, '').trim();
      const x = t === '—' ? NaN : Number(t);
      return x < lim;
    },
    limit,
    { timeout: PLAY_BUDGET_MS, polling: 50 },
  ).catch(async (err) => {
    const shown = await metricText(page, 'test-loss');
    const step = await metricText(page, 'step');
    throw new Error(`test loss still ${shown} (limit ${limit}) at step ${step} after ${Date.now() - t0} ms of Play: ${err.message}`);
  });
  return Date.now() - t0;
}

test('Play lowers the test loss on the circle set below 0.7x its step-0 value within 5 s; Pause stops', { timeout: 90_000 }, async () => {
  const { page, errors } = await openPlayground(env.browser, env.server, CIRCLE);
  try {
    assert.equal(decodeURIComponent(await page.evaluate(() => location.hash)), `#${CIRCLE}`, 'a canonical hash is kept as is');
    const s0 = await stats(page);
    assert.equal(s0.step, 0);
    assert.equal(s0.diverged, null);
    assert.ok(Number.isFinite(s0.testLoss) && s0.testLoss > 0.3 && s0.testLoss < 2,
      `an untrained binary classifier has a test loss near ln 2, got ${s0.testLoss}`);
    const shown0 = metricNumber(await metricText(page, 'test-loss'));
    assert.ok(Math.abs(shown0 - s0.testLoss) <= 1e-3 * s0.testLoss, `#metric-test-loss shows ${shown0}, stats say ${s0.testLoss}`);
    assert.equal(await metricText(page, 'step'), '0');
    assert.equal(await page.textContent('#status'), 'Paused');

    const limit = 0.7 * s0.testLoss;
    const ms = await playUntilTestLossBelow(page, limit);
    assert.equal(await page.textContent('#status'), 'Running');
    assert.ok(await page.isDisabled('#play'), 'Play is disabled while running');
    assert.ok(await page.isEnabled('#pause'), 'Pause is enabled while running');

    await page.click('#pause');
    assert.equal(await page.textContent('#status'), 'Paused');
    const s1 = await stats(page);
    assert.ok(s1.step > 0, 'steps were taken');
    assert.ok(s1.testLoss < limit, `test loss ${s1.testLoss} after ${ms} ms and ${s1.step} steps; limit ${limit}`);
    assert.ok(s1.trainLoss < s0.trainLoss, `train loss fell too: ${s0.trainLoss} -> ${s1.trainLoss}`);
    await animationFrames(page, 10);
    assert.equal((await stats(page)).step, s1.step, 'no steps are taken while paused');
    assert.deepEqual(errors, [], errors.join('\n'));
  } finally {
    await closePage(page);
  }
});

test('a huge learning rate diverges, #diverged says so, the plots stay drawn, and Reset recovers', { timeout: 90_000 }, async () => {
  const { page, errors } = await openPlayground(env.browser, env.server, DIVERGE);
  try {
    const h0 = await hashMap(page);
    assert.equal(h0.get('lr'), '10');
    assert.equal(h0.get('dataset'), 'cubic');
    assert.equal(await page.isVisible('#error-banner'), false, 'lr = 10 is a valid setting: no error banner');
    const s0 = await stats(page);
    assert.equal(s0.step, 0);
    assert.ok(Number.isFinite(s0.testLoss), `finite loss at step 0, got ${s0.testLoss}`);

    // Play -> divergence within a few steps; the loop stops and the page explains what happened.
    await page.click('#play');
    await page.waitForSelector('#diverged', { state: 'visible', timeout: 10_000 });
    const message = (await page.textContent('#diverged-message')).trim();
    assert.match(message, /diverged/i);
    assert.match(message, /learning rate/i, 'the message says what to do');
    const sd = await stats(page);
    assert.equal(typeof sd.diverged, 'string');
    assert.equal(await page.textContent('#status'), 'Diverged');
    assert.ok(await page.isDisabled('#play'), 'Play is disabled once diverged');
    assert.ok(await page.isDisabled('#step'), 'Step is disabled once diverged');
    assert.ok(await page.isVisible('#diverged-reset'));
    await animationFrames(page, 10);
    assert.equal((await stats(page)).step, sd.step, 'the loop stopped at the divergence');
    const boundary = await canvasStats(page, '#boundary-canvas');
    const loss = await canvasStats(page, '#loss-canvas');
    assert.ok(boundary.inked > 2000 && boundary.distinct > 20, `data plot blanked after divergence: ${JSON.stringify(boundary)}`);
    assert.ok(loss.inked > 1000 && loss.distinct > 20, `loss plot blanked after divergence: ${JSON.stringify(loss)}`);
    await screenshot(page, 'diverged-1280x900');

    // Reset: back to step 0 with the same (finite) loss, Play enabled and focused, notice gone.
    await page.click('#diverged-reset');
    assert.equal(await page.isVisible('#diverged'), false, 'the notice hides after Reset');
    const sr = await stats(page);
    assert.deepEqual(sr, s0, 'Reset rebuilds the same run from the seed');
    assert.equal(await page.textContent('#status'), 'Paused');
    assert.ok(await page.isEnabled('#play'));
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'play', 'focus goes to Play');

    // The same settings diverge again, deterministically, at the same step.
    await page.click('#play');
    await page.waitForSelector('#diverged', { state: 'visible', timeout: 10_000 });
    assert.equal((await page.textContent('#diverged-message')).trim(), message, 'same seed, same divergence');

    // Follow the advice: lower the learning rate (the hash follows), press Reset, and it trains.
    await setControl(page, '#field-lr', '0.01');
    assert.equal((await hashMap(page)).get('lr'), '0.01');
    await page.click('#diverged-reset');
    assert.equal(await page.isVisible('#diverged'), false);
    assert.equal((await stats(page)).step, 0);
    const before = await stats(page);
    await playUntilTestLossBelow(page, 0.7 * before.testLoss);
    await page.click('#pause');
    const after = await stats(page);
    assert.equal(after.diverged, null);
    assert.ok(after.testLoss < 0.7 * before.testLoss, `${before.testLoss} -> ${after.testLoss}`);
    assert.equal(await page.isVisible('#diverged'), false, 'no divergence with lr = 0.01');
    assert.deepEqual(errors, [], errors.join('\n'));
  } finally {
    await closePage(page);
  }
});

test('the Step button runs exactly one step per click while paused', { timeout: 60_000 }, async () => {
  const { page, errors } = await openPlayground(env.browser, env.server, CIRCLE);
  try {
    for (let i = 1; i <= 3; i++) {
      await page.click('#step');
      assert.equal((await stats(page)).step, i);
      assert.equal(await metricText(page, 'step'), String(i));
    }
    const s = await stepNow(page, 97);
    assert.equal(s.step, 100);
    assert.equal(await metricText(page, 'step'), '100');
    assert.deepEqual(errors, [], errors.join('\n'));
  } finally {
    await closePage(page);
  }
});
