// Polling as a fallback to events: runs `fn` every `ms` while the page is visible.
export function poll(fn: () => unknown, ms: number): () => void {
  const timer = setInterval(() => {
    if (typeof document === 'undefined' || document.visibilityState !== 'hidden') void fn();
  }, ms);
  return () => clearInterval(timer);
}

/** Collapses bursts (a watch delivering many changes) into one call after `ms`. */
export function debounce(fn: () => unknown, ms: number): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  return () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      void fn();
    }, ms);
  };
}
