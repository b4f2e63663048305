//! The optimizer catalog in the Playground: the select offers only network-capable optimizers, a new one (sign
//! SGD) trains and lowers the loss, the lr schedule is a select whose key lands in the link, and a surfaces-only
//! optimizer in the link is reported by name.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, openPlayground, stats, stepNow, hashMap, setControl, catalog, closePage } from './helpers.mjs';

const env = useBrowser();

test('the optimizer select lists the network optimizers; sign SGD trains; the schedule select writes its key', { timeout: 90_000 }, async () => {
  const { page, errors } = await openPlayground(env.browser, env.server, 'dataset=circle&hidden=4,2&opt=sgd&lr=0.03&seed=1');
  try {
    const cat = await catalog(page);
    const offered = await page.$$eval('#field-opt option', (os) => os.map((o) => o.value));
    const network = cat.optimizers.filter((o) => o.network).map((o) => o.key);
    assert.deepEqual(offered, network);
    for (const k of ['sign', 'pnorm', 'lars', 'path-sgd', 'natural']) assert.ok(offered.includes(k), k);
    for (const k of ['newton', 'saddle-free-newton', 'mahalanobis']) assert.ok(!offered.includes(k), k);

    await setControl(page, '#field-opt', 'sign');
    await page.waitForFunction(() => location.hash.includes('opt=sign'));
    const h = await hashMap(page);
    assert.equal(h.get('lr'), '0.01');
    assert.ok(!h.has('schedule'), 'the default schedule stays out of the link');
    const s0 = await stats(page);
    const s1 = await stepNow(page, 300);
    const after = typeof s1 === 'string' ? JSON.parse(s1) : s1;
    assert.ok(after.trainLoss < 0.8 * s0.trainLoss, `sign SGD: ${s0.trainLoss} -> ${after.trainLoss}`);

    assert.equal(await page.$eval('#field-schedule', (el) => el.tagName), 'SELECT');
    await setControl(page, '#field-schedule', 'cosine');
    await page.waitForFunction(() => location.hash.includes('schedule=cosine'));
    assert.deepEqual(errors, [], errors.join('\n'));
  } finally {
    await closePage(page);
  }
});

test('a surfaces-only optimizer in the link is reported with the allowed keys', { timeout: 90_000 }, async () => {
  const { page } = await openPlayground(env.browser, env.server, 'dataset=circle&opt=newton');
  try {
    await page.waitForFunction(() => document.body.textContent.includes('2D surfaces only'));
    assert.equal((await hashMap(page)).get('opt'), 'sgd', 'the page falls back to the default optimizer');
  } finally {
    await closePage(page);
  }
});
