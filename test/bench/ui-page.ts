// What the Chromium rows measure inside the page, as scripts (the bench's tsconfig has no DOM
// types). Times are the page's performance.now(): navigation start is 0, so "after load" needs
// no clock shared with Node; the cluster-change row uses the wall clock (timeOrigin + now).

/** Selector of a data row: the app's virtual table, or the plain baseline table (ui-plain-table.ts). */
export const ROW = 'table[data-test=deployments] tbody tr[data-name], table[data-test=plain] tbody tr[data-name]';

/**
 * Runs before the page's own scripts: checks every frame (requestAnimationFrame) whether a data
 * row is in the viewport; in the first frame that has one, records the time just after that
 * frame is painted (a message posted from the frame's callback runs after its paint).
 */
export const FIRST_ROW_PROBE = `(() => {
  const sel = ${JSON.stringify(ROW)};
  const inView = (el) => { const r = el.getBoundingClientRect(); return r.height > 0 && r.bottom > 0 && r.top < innerHeight; };
  const tick = () => {
    const el = document.querySelector(sel);
    if (el && inView(el)) {
      const ch = new MessageChannel();
      ch.port1.onmessage = () => { window.__kmmFirstRow = performance.now(); };
      ch.port2.postMessage(0);
      return;
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})();`;

/**
 * A keystroke in the search box, timed in the page: from the keydown event's creation
 * (event.timeStamp) to just after the first painted frame in which the table shows the filtered
 * rows. The view renders its count and its rows in one patch, so the count no longer reading
 * `full` (the unfiltered count) is that patch. Resolves to the time in ms (-1: not seen in 10 s).
 * Installed before Node types the key, so the listener sees the event.
 */
export function armKeystroke(full: string): string {
  return `new Promise((resolve) => {
    const root = document.querySelector('table[data-test=deployments]').closest('section');
    const count = root.querySelector('[data-test=shown-count]');
    let t0 = null;
    window.addEventListener('keydown', (e) => { t0 = e.timeStamp; }, { capture: true, once: true });
    const obs = new MutationObserver(() => {
      if (t0 === null || count.textContent === ${JSON.stringify(full)}) return;
      obs.disconnect();
      requestAnimationFrame(() => {
        const ch = new MessageChannel();
        ch.port1.onmessage = () => resolve(performance.now() - t0);
        ch.port2.postMessage(0);
      });
    });
    obs.observe(root, { subtree: true, childList: true, characterData: true });
    setTimeout(() => { obs.disconnect(); resolve(-1); }, 10000);
  })`;
}

/**
 * Waits for the row namespace/name to be in view; resolves to the wall-clock time (ms since the
 * epoch, as Node's performance.timeOrigin + performance.now()) just after the frame showing it.
 */
export function armRowAppears(namespace: string, name: string): string {
  const sel = `tr[data-namespace=${JSON.stringify(namespace)}][data-name=${JSON.stringify(name)}]`;
  return `new Promise((resolve) => {
    const sel = ${JSON.stringify(sel)};
    const end = performance.now() + 15000;
    const tick = () => {
      if (document.querySelector(sel)) {
        const ch = new MessageChannel();
        ch.port1.onmessage = () => resolve(performance.timeOrigin + performance.now());
        ch.port2.postMessage(0);
        return;
      }
      if (performance.now() > end) return resolve(-1);
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  })`;
}
