// What crosses the preload bridge must be plain data: Electron copies it with the structured
// clone algorithm, which refuses a Vue reactive Proxy ("An object could not be cloned"),
// functions and symbols. The UI hands reactive state to the API freely, so every input is
// copied to plain arrays, objects and primitives here; what has no plain form is refused
// with the path of the offending value. No Vue or DOM here (tested in Node).
export function plainData(value: unknown, path = 'input'): unknown {
  if (value === null || value === undefined) return value;
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
      return value;
    case 'bigint':
    case 'function':
    case 'symbol':
      throw new TypeError(`${path} is a ${typeof value}, which cannot be sent to the app`);
  }
  // Array.isArray and Object.keys see through a Proxy to its target's contents.
  if (Array.isArray(value)) return value.map((v, i) => plainData(v, `${path}[${i}]`));
  if (value instanceof Date) return new Date(value.getTime());
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) throw new TypeError(`${path} is a ${proto?.constructor?.name ?? 'class instance'}, which cannot be sent to the app`);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value as object)) {
    const v = (value as Record<string, unknown>)[key];
    // JSON leaves undefined out too: the REST transport sends the same thing.
    if (v !== undefined) out[key] = plainData(v, `${path}.${key}`);
  }
  return out;
}
