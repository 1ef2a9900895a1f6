// Waiting for something with a bound: the value, or a fallback when it fails or is late.
// The timer is cleared either way, so nothing keeps the process alive after the answer.

/** The value of `p`, or `fallback` when it fails or takes longer than `ms` (or at once when there is no `p`). */
export function within<T, F>(p: Promise<T> | undefined, ms: number, fallback: F): Promise<T | F> {
  if (!p) return Promise.resolve(fallback);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(fallback), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      () => {
        clearTimeout(t);
        resolve(fallback);
      },
    );
  });
}
