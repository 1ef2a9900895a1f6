// Timestamps formatted like Go's time.RFC3339Nano (trailing zeros of the fraction dropped,
// "Z" for a zero offset), since clients parse what Ollama's encoding/json writes.

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function fraction(ms: number, subMs: number): string {
  const digits = (pad(ms, 3) + pad(subMs, 6)).replace(/0+$/, '');
  return digits ? `.${digits}` : '';
}

// Date has only milliseconds; the sub-millisecond digits come from the monotonic clock.
export function subMillis(): number {
  return Number(process.hrtime.bigint() % 1_000_000n);
}

/** UTC, as Ollama writes created_at: 2025-05-04T17:37:44.706015396Z */
export function goTimeUTC(d: Date = new Date()): string {
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}${fraction(d.getUTCMilliseconds(), subMillis())}Z`;
}

/**
 * Local time with its offset, as Ollama writes modified_at and expires_at: 2025-05-04T17:37:44.706015396-07:00.
 * `subMs`: the nanoseconds below the millisecond; a stored time (a file's mtime) passes its own, so it reads the same every time.
 */
export function goTimeLocal(d: Date = new Date(), subMs: number = subMillis()): string {
  const offMin = -d.getTimezoneOffset();
  const zone = offMin === 0 ? 'Z' : `${offMin < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(offMin) / 60))}:${pad(Math.abs(offMin) % 60)}`;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}${fraction(d.getMilliseconds(), subMs)}${zone}`;
}
