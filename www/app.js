// Page entry: loads the wasm module and its catalog, builds the lab tabs from labs.js, mounts the active lab,
// owns the global error banner, and exposes the test hook window.saddle.

import { LABS } from './labs.js';
import { h } from './dom.js';
import { asJson, splitQuery } from './query.js';

const bannerEl = document.getElementById('error-banner');
const banner = {
  /** Show a title and a list of messages (the core's text, verbatim). */
  show(title, messages = []) {
    const list = messages.length ? h('ul', {}, messages.map((m) => h('li', {}, m))) : null;
    const close = h('button', { type: 'button', class: 'icon', id: 'error-banner-close', 'aria-label': 'Dismiss message',
      title: 'Dismiss', onclick: () => banner.clear() }, '×');
    bannerEl.replaceChildren(h('div', { class: 'banner-text' }, h('strong', {}, title), list), close);
    bannerEl.hidden = false;
  },
  clear() {
    bannerEl.replaceChildren();
    bannerEl.hidden = true;
  },
};

let markReady;
let failReady;
const ready = new Promise((resolve, reject) => { markReady = resolve; failReady = reject; });
ready.catch(() => { /* reported in the banner; awaiting callers still see the rejection */ });

const mounted = new Map(); // lab id -> instance
let activeId = null;

window.saddle = {
  ready,
  labs: LABS.map((l) => l.id),
  get lab() { return activeId; },
  get playground() { return mounted.get('playground')?.playground ?? null; },
  get query() { return mounted.get(activeId)?.query ?? null; },
  get perf() { return mounted.get(activeId)?.perf ?? null; },
  /** The Playground's info(): features, layer widths and point counts. */
  get info() { return mounted.get('playground')?.info ?? null; },
  /** The mounted network diagram (www/diagram.js), or null. */
  get diagram() { return mounted.get('playground')?.diagram ?? null; },
  stepNow(n = 1) { return mounted.get(activeId)?.stepNow?.(n) ?? null; },
};

async function main() {
  let wasm;
  let catalog;
  try {
    wasm = await import('./pkg/saddle_web.js');
    await wasm.default();
    catalog = asJson(wasm.catalog());
  } catch (e) {
    fail('The WebAssembly module could not be loaded. Build it with scripts/build-web.sh and serve the page over HTTP.', e);
    return;
  }
  const ctx = { wasm, catalog, banner, onFirstFrame: () => markReady(window.saddle), setHash,
    /** The current query of a mounted lab (e.g. the Playground's, for "copy from Playground"), or null. */
    labQuery: (id) => mounted.get(id)?.query ?? null };
  buildTabs(ctx);
}

// The hash names the lab: `lab=<id>&<that lab's query>`; no `lab` (or the first lab's id) is the Playground,
// whose hash is exactly its own query.
const HOME = LABS[0].id;

/** The lab a hash selects: {id, known}; no `lab` key selects the Playground. */
function hashLab(hash = location.hash) {
  const id = splitQuery(hash).get('lab');
  if (id === undefined || id === '') return { id: HOME, known: true };
  return LABS.some((l) => l.id === id) ? { id, known: true } : { id: HOME, known: false, asked: id };
}

/** Write a lab's query into the hash (no history entry, no hashchange). */
function setHash(id, query) {
  const body = id === HOME ? (query ?? '') : `lab=${id}&${query ?? ''}`;
  history.replaceState(history.state, '', `${location.pathname}${location.search}${body ? `#${body}` : ''}`);
}

function buildTabs(ctx) {
  const tablist = document.getElementById('lab-tabs');
  const panels = document.getElementById('lab-panels');
  const tabs = LABS.map((lab, i) => {
    const tab = h('button', { type: 'button', role: 'tab', id: `tab-${lab.id}`, 'aria-controls': `panel-${lab.id}`,
      'aria-selected': 'false', tabindex: '-1', onclick: () => activate(lab.id) }, lab.title);
    tab.addEventListener('keydown', (e) => {
      const moves = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: LABS.length - 1 };
      if (!(e.key in moves)) return;
      e.preventDefault();
      const j = (moves[e.key] + LABS.length) % LABS.length;
      tabs[j].focus();
      activate(LABS[j].id);
    });
    return tab;
  });
  tablist.replaceChildren(...tabs);
  panels.replaceChildren(...LABS.map((lab) => h('section', { role: 'tabpanel', id: `panel-${lab.id}`,
    'aria-labelledby': `tab-${lab.id}`, class: 'lab-panel', hidden: true })));

  /** Show lab `id`. The hash follows the tab (a mounted lab's own query; a lab mounting from a hash without
   *  `lab=<id>` starts from its defaults, or from the Playground's settings) unless `fromHash`: then the hash is
   *  what the user asked for. */
  async function activate(id, fromHash = false) {
    if (id === activeId) return;
    const inst = mounted.get(id);
    if (!fromHash && inst) setHash(id, inst.query);
    else if (!fromHash && id === HOME && hashLab().id !== HOME) setHash(HOME, '');
    const previous = mounted.get(activeId);
    previous?.deactivate?.();
    for (const [j, lab] of LABS.entries()) {
      const on = lab.id === id;
      tabs[j].setAttribute('aria-selected', String(on));
      tabs[j].tabIndex = on ? 0 : -1;
      document.getElementById(`panel-${lab.id}`).hidden = !on;
    }
    activeId = id;
    const lab = LABS.find((l) => l.id === id);
    document.title = `${lab.title} · Saddle`;
    try {
      if (!mounted.has(id)) {
        const mod = await import(new URL(lab.module, import.meta.url).href);
        mounted.set(id, await mod.mount(document.getElementById(`panel-${id}`), ctx));
      } else {
        mounted.get(id).activate?.();
      }
    } catch (e) {
      fail(`The ${lab.title} lab could not start.`, e);
    }
  }

  // Registered before any lab mounts, so it runs first: a hash for another lab switches tabs, and only the
  // Playground (which listens itself) sees hashes without `lab`.
  window.addEventListener('hashchange', (e) => {
    const { id, known, asked } = hashLab();
    if (!known) {
      banner.show(`Unknown lab "${asked}" in the address; showing the ${LABS[0].title}.`);
      setHash(HOME, mounted.get(HOME)?.query ?? '');
    }
    if (id !== HOME) {
      e.stopImmediatePropagation();
      if (id === activeId) mounted.get(id)?.applyHash?.();
      else activate(id, true).then(() => mounted.get(id)?.applyHash?.());
    } else if (activeId !== HOME) {
      e.stopImmediatePropagation();
      activate(HOME, true).then(() => mounted.get(HOME)?.applyHash?.());
    }
  });

  const first = hashLab();
  if (!first.known) {
    banner.show(`Unknown lab "${first.asked}" in the address; showing the ${LABS[0].title}.`);
    setHash(HOME, '');
  }
  activate(first.id);
}

function fail(title, e) {
  const message = e instanceof Error ? e.message : String(e);
  banner.show(title, [message]);
  document.getElementById('loading')?.remove();
  document.body.dataset.ready = 'error';
  failReady(new Error(`${title} ${message}`));
}

main();
