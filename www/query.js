// Query-string helpers: split a config query into key/value pairs, join them back, and read/write the
// list-valued fields (`hidden`, `act`, `drop`). Validation is never done here: the core's parseQuery owns it.

/** Coerce a wasm result that may be a JSON string or an already-parsed value into an object. */
export function asJson(value) {
  return typeof value === 'string' ? JSON.parse(value) : value;
}

/** "a=1&b=x,y" -> Map([["a","1"],["b","x,y"]]) (insertion-ordered; later duplicates win). */
export function splitQuery(q) {
  const out = new Map();
  for (const part of String(q || '').replace(/^[#?]/, '').split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const rawKey = eq < 0 ? part : part.slice(0, eq);
    const rawValue = eq < 0 ? '' : part.slice(eq + 1);
    out.set(safeDecode(rawKey), safeDecode(rawValue));
  }
  return out;
}

/** Map or [key, value][] -> "a=1&b=x,y". Commas stay literal so lists remain readable in the URL. */
export function joinQuery(pairs) {
  const parts = [];
  for (const [k, v] of pairs) {
    if (v === undefined || v === null) continue;
    parts.push(`${encodePart(k)}=${encodePart(String(v))}`);
  }
  return parts.join('&');
}

function encodePart(s) {
  return encodeURIComponent(s).replace(/%2C/gi, ',');
}

function safeDecode(s) {
  try {
    return decodeURIComponent(s); // '+' stays '+', as the core reads it
  } catch {
    return s;
  }
}

/** "4,2" -> ["4","2"]; "" -> []. Items stay strings so the core reports bad values verbatim. */
export function splitList(s) {
  const t = String(s ?? '').trim();
  return t === '' ? [] : t.split(',').map((x) => x.trim());
}

/**
 * One `drop` item -> {kind, value}. `none` -> {kind: "none"}; otherwise the first letter of a noise-kind key
 * followed by its parameter (`b0.5` = Bernoulli keep p, `g0.3` = Gaussian σ), as the URL table specifies.
 */
export function parseNoiseItem(item, noiseKinds) {
  const s = String(item ?? '').trim();
  const none = noiseKinds.find((k) => k.key === 'none') || noiseKinds[0];
  if (s === '' || s === none.key) return { kind: none.key, value: '' };
  const kind = noiseKinds.find((k) => k.key !== none.key && k.key[0] === s[0]);
  return kind ? { kind: kind.key, value: s.slice(1) } : { kind: none.key, value: '' };
}

/** Inverse of parseNoiseItem. */
export function formatNoiseItem({ kind, value }) {
  if (!kind || kind === 'none') return 'none';
  return `${kind[0]}${value}`;
}

/** `stop` value -> {kind, value}: "none" -> {kind: "none"}, "epochs:100" -> {kind: "epochs", value: "100"}. */
export function parseStop(s) {
  const t = String(s ?? '').trim();
  const i = t.indexOf(':');
  if (t === '' || t === 'none') return { kind: 'none', value: '' };
  return i < 0 ? { kind: t, value: '' } : { kind: t.slice(0, i), value: t.slice(i + 1) };
}

/** Inverse of parseStop. */
export function formatStop(kind, value) {
  return !kind || kind === 'none' ? 'none' : `${kind}:${value}`;
}

/** location.hash without '#', percent-decoded where that is safe. */
export function decodeHash(hash) {
  const raw = String(hash || '').replace(/^#/, '');
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** Keys whose values differ between two queries. */
export function diffKeys(a, b) {
  const ma = splitQuery(a);
  const mb = splitQuery(b);
  const keys = new Set([...ma.keys(), ...mb.keys()]);
  return [...keys].filter((k) => ma.get(k) !== mb.get(k));
}
