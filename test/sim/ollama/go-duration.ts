// Go's time.ParseDuration and Ollama's api.Duration.UnmarshalJSON (api/types.go), so that
// keep_alive is taken, and refused, as Ollama does: a number is seconds, a string a Go
// duration ("5m", "1h30m", "-1s"), a negative one is forever; anything else is a 400 with
// Go's own message.

const UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const quote = (s: string) => JSON.stringify(s);

/** Milliseconds, or Go's error text. */
export function parseGoDuration(text: string): { ms: number } | { error: string } {
  const orig = text;
  let s = text;
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    if (s[0] === '-') sign = -1;
    s = s.slice(1);
  }
  if (s === '0') return { ms: 0 };
  if (s === '') return { error: `time: invalid duration ${quote(orig)}` };
  let total = 0;
  while (s !== '') {
    const num = /^(\d*)(\.\d*)?/.exec(s)!;
    if (num[0] === '' || num[0] === '.') return { error: `time: invalid duration ${quote(orig)}` };
    s = s.slice(num[0].length);
    const unit = /^[^\d.]+/.exec(s)?.[0] ?? '';
    if (unit === '') return { error: `time: missing unit in duration ${quote(orig)}` };
    const factor = UNITS[unit];
    if (factor === undefined) return { error: `time: unknown unit ${quote(unit)} in duration ${quote(orig)}` };
    total += Number(num[0]) * factor;
    s = s.slice(unit.length);
  }
  return { ms: sign * total };
}

/** Go's reflect type name of a JSON value, as Ollama's "Unsupported type" message prints it. */
function goType(v: unknown): string {
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return '[]interface {}';
  return 'map[string]interface {}';
}

/** Why Ollama would refuse this keep_alive at binding (a 400), or null when it takes it (absent and null are absent). */
export function keepAliveError(v: unknown): string | null {
  if (v === undefined || v === null || typeof v === 'number') return null;
  if (typeof v === 'string') {
    const d = parseGoDuration(v);
    return 'error' in d ? d.error : null;
  }
  return `Unsupported type: '${goType(v)}'`;
}
