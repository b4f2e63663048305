// Canvas sizing: the drawing buffer follows the CSS box × devicePixelRatio, and a ResizeObserver triggers a
// redraw whenever that size changes (window resize, layout change, browser zoom).

/** Set width/height attributes from the CSS box × devicePixelRatio. Returns true when they changed. */
export function fitCanvas(canvas, box) {
  const dpr = window.devicePixelRatio || 1;
  const w = box ? box.width : canvas.clientWidth;
  const hgt = box ? box.height : canvas.clientHeight;
  const pw = Math.max(1, Math.round(w * dpr));
  const ph = Math.max(1, Math.round(hgt * dpr));
  if (canvas.width === pw && canvas.height === ph) return false;
  canvas.width = pw;
  canvas.height = ph;
  return true;
}

/** Keep canvases sized; onResize() runs synchronously after a size change (before paint, so no blank frame). */
export function observeCanvases(canvases, onResize) {
  const ro = new ResizeObserver((entries) => {
    let changed = false;
    for (const e of entries) changed = fitCanvas(e.target, e.contentRect) || changed;
    if (changed) onResize();
  });
  for (const c of canvases) {
    fitCanvas(c);
    ro.observe(c);
  }
  // Zoom changes devicePixelRatio, sometimes without changing the CSS box.
  let mq = null;
  const watchDpr = () => {
    mq?.removeEventListener('change', onDpr);
    mq = window.matchMedia(`(resolution: ${window.devicePixelRatio || 1}dppx)`);
    mq.addEventListener('change', onDpr);
  };
  function onDpr() {
    let changed = false;
    for (const c of canvases) changed = fitCanvas(c) || changed;
    if (changed) onResize();
    watchDpr();
  }
  watchDpr();
  return () => {
    ro.disconnect();
    mq?.removeEventListener('change', onDpr);
  };
}
