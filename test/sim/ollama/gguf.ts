// Reads a GGUF header's key/values (the GGUF spec: magic, version, tensor count, kv count, then
// typed values, little-endian), enough for /api/create from an uploaded GGUF blob.
export type GgufKv = Record<string, unknown>;

export function isGguf(data: Buffer): boolean {
  return data.length >= 4 && data.toString('latin1', 0, 4) === 'GGUF';
}

/** The key/values of a GGUF (v2/v3), or an error message when the bytes end early. */
export function readGgufKv(data: Buffer): GgufKv | string {
  let at = 8; // magic + version
  const need = (n: number) => {
    if (at + n > data.length) throw new Error('unexpected EOF');
  };
  const u32 = () => (need(4), (at += 4), data.readUInt32LE(at - 4));
  const u64 = () => (need(8), (at += 8), Number(data.readBigUInt64LE(at - 8)));
  const str = () => {
    const n = u64();
    need(n);
    at += n;
    return data.toString('utf8', at - n, at);
  };
  const value = (type: number): unknown => {
    switch (type) {
      case 0: return (need(1), (at += 1), data.readUInt8(at - 1));
      case 1: return (need(1), (at += 1), data.readInt8(at - 1));
      case 2: return (need(2), (at += 2), data.readUInt16LE(at - 2));
      case 3: return (need(2), (at += 2), data.readInt16LE(at - 2));
      case 4: return u32();
      case 5: return (need(4), (at += 4), data.readInt32LE(at - 4));
      case 6: return (need(4), (at += 4), data.readFloatLE(at - 4));
      case 7: return (need(1), (at += 1), data.readUInt8(at - 1) !== 0);
      case 8: return str();
      case 9: {
        const t = u32();
        const n = u64();
        const out: unknown[] = [];
        for (let i = 0; i < n; i++) out.push(value(t));
        return out;
      }
      case 10: return u64();
      case 11: return (need(8), (at += 8), Number(data.readBigInt64LE(at - 8)));
      case 12: return (need(8), (at += 8), data.readDoubleLE(at - 8));
      default: throw new Error(`invalid type ${type}`);
    }
  };
  try {
    u64(); // tensor count
    const kvCount = u64();
    const kv: GgufKv = {};
    for (let i = 0; i < kvCount; i++) {
      const key = str();
      kv[key] = value(u32());
    }
    return kv;
  } catch (err) {
    return (err as Error).message;
  }
}
