// A full list leaves its pages behind: at 20,000 pods about 50 MB of response bodies and parsed
// JSON, promoted to the old generation while the pages streamed in. V8 frees them only at its
// next full GC, which a process that then idles may not run for a long time, so they stay
// resident. After a (re)list, one full GC (a few tens of ms, once per list, never per request)
// gives them back.
import v8 from 'node:v8';
import vm from 'node:vm';

let fullGc: (() => void) | null | undefined;

function gcFunction(): (() => void) | null {
  if (fullGc !== undefined) return fullGc;
  try {
    // The documented way to reach gc() without starting node with --expose-gc.
    v8.setFlagsFromString('--expose-gc');
    fullGc = vm.runInNewContext('gc') as () => void;
  } catch {
    fullGc = null;
  }
  return fullGc;
}

let timer: NodeJS.Timeout | null = null;
let pages = 0;

/**
 * Called per list page: every PAGES_PER_GC pages one full GC, so that the heap a long list grows
 * to (and keeps resident) stays near what the caches hold rather than all of the pages' garbage.
 */
export function afterListPage(): void {
  if (++pages % PAGES_PER_GC === 0) gcFunction()?.();
}
const PAGES_PER_GC = 8;

/** Asks for one full GC shortly after the last of several lists that end close together. */
export function releaseListGarbage(delayMs = 500): void {
  if (timer) clearTimeout(timer);
  timer = setTimeout(() => {
    timer = null;
    gcFunction()?.();
  }, delayMs);
  timer.unref();
}
