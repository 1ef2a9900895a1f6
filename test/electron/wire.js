// How structured-cloned values travel between the page and main in the stand-in. The
// binding underneath carries JSON-like data only, so what structured clone keeps and JSON
// does not (Map, Set, Date, RegExp, BigInt, typed arrays, undefined, NaN, -0, Errors) is
// tagged here. Plain JS: main loads it as text, and the page gets it embedded.
export function encode(value) {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (value === undefined) return { $: 'u' };
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return { $: 'n', v: 'NaN' };
    if (value === Infinity || value === -Infinity) return { $: 'n', v: String(value) };
    if (Object.is(value, -0)) return { $: 'n', v: '-0' };
    return value;
  }
  if (typeof value === 'bigint') return { $: 'b', v: String(value) };
  if (Array.isArray(value)) return { $: 'a', v: value.map(encode) };
  if (value instanceof Date) return { $: 'd', v: value.getTime() };
  if (value instanceof RegExp) return { $: 'r', s: value.source, f: value.flags };
  if (value instanceof Map) return { $: 'm', v: Array.from(value, ([k, v]) => [encode(k), encode(v)]) };
  if (value instanceof Set) return { $: 's', v: Array.from(value, encode) };
  if (value instanceof Error) return { $: 'e', name: value.name, message: value.message };
  if (value instanceof ArrayBuffer) return { $: 't', k: 'ArrayBuffer', v: Array.from(new Uint8Array(value)) };
  if (ArrayBuffer.isView(value)) return { $: 't', k: value.constructor.name, v: Array.from(new Uint8Array(value.buffer, value.byteOffset, value.byteLength)) };
  var out = {};
  for (var key of Object.keys(value)) out[key] = encode(value[key]);
  return { $: 'o', v: out };
}

export function decode(value) {
  if (value === null || typeof value !== 'object') return value;
  switch (value.$) {
    case 'u':
      return undefined;
    case 'n':
      return value.v === '-0' ? -0 : Number(value.v);
    case 'b':
      return BigInt(value.v);
    case 'a':
      return value.v.map(decode);
    case 'd':
      return new Date(value.v);
    case 'r':
      return new RegExp(value.s, value.f);
    case 'm':
      return new Map(value.v.map((kv) => [decode(kv[0]), decode(kv[1])]));
    case 's':
      return new Set(value.v.map(decode));
    case 'e': {
      var e = new Error(value.message);
      e.name = value.name;
      return e;
    }
    case 't': {
      var bytes = new Uint8Array(value.v);
      if (value.k === 'ArrayBuffer') return bytes.buffer;
      if (value.k === 'Buffer' || value.k === 'Uint8Array') return bytes;
      var Ctor = globalThis[value.k];
      return typeof Ctor === 'function' ? new Ctor(bytes.buffer) : bytes;
    }
    case 'o': {
      var out = {};
      for (var key of Object.keys(value.v)) out[key] = decode(value.v[key]);
      return out;
    }
    default:
      return value;
  }
}
