// Just enough of the Kubernetes protobuf encoding to read what kubectl's typed clients send
// for access reviews (`kubectl auth can-i`): the "k8s\0" envelope around runtime.Unknown
// (apimachinery pkg/runtime/serializer/protobuf, generated.proto: typeMeta 1, raw 2), and the
// fields of authorization/v1 generated.proto that the reviews carry.
/* eslint-disable @typescript-eslint/no-explicit-any */

type Fields = Map<number, (Buffer | number)[]>;

function fields(buf: Buffer): Fields {
  const out: Fields = new Map();
  let i = 0;
  const varint = (): number => {
    let v = 0;
    let shift = 0;
    for (;;) {
      const b = buf[i++]!;
      v += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return v;
      shift += 7;
    }
  };
  while (i < buf.length) {
    const key = varint();
    const no = Math.floor(key / 8);
    const type = key & 7;
    let val: Buffer | number;
    if (type === 0) val = varint();
    else if (type === 2) {
      const n = varint();
      val = buf.subarray(i, i + n);
      i += n;
    } else if (type === 1) { val = buf.readDoubleLE(i); i += 8; } else if (type === 5) { val = buf.readFloatLE(i); i += 4; } else throw new Error(`protobuf wire type ${type}`);
    const a = out.get(no) ?? [];
    a.push(val);
    out.set(no, a);
  }
  return out;
}

const str = (f: Fields, n: number) => { const v = f.get(n)?.[0]; return Buffer.isBuffer(v) ? v.toString('utf8') : undefined; };
const msg = (f: Fields, n: number) => { const v = f.get(n)?.[0]; return Buffer.isBuffer(v) ? fields(v) : undefined; };

export function isProtobuf(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';')[0]!.trim() === 'application/vnd.kubernetes.protobuf';
}

/** The kind and JSON-like body of an access review sent as protobuf. */
export function decodeReview(body: Buffer): { kind: string; apiVersion: string; spec: any } {
  if (body.subarray(0, 4).toString('latin1') !== 'k8s\0') throw new Error('not a Kubernetes protobuf envelope');
  const unknown = fields(body.subarray(4));
  const tm = msg(unknown, 1);
  const kind = (tm && str(tm, 2)) ?? '';
  const apiVersion = (tm && str(tm, 1)) ?? '';
  const obj = msg(unknown, 2) ? fields((unknown.get(2)![0] as Buffer)) : new Map();
  const spec = msg(obj, 2);
  const out: any = {};
  if (kind === 'SelfSubjectAccessReview' && spec) {
    const ra = msg(spec, 1);
    const nra = msg(spec, 2);
    if (ra) {
      const names = ['namespace', 'verb', 'group', 'version', 'resource', 'subresource', 'name'];
      out.resourceAttributes = Object.fromEntries(names.map((k, idx) => [k, str(ra, idx + 1)]).filter(([, v]) => v !== undefined));
    }
    if (nra) out.nonResourceAttributes = { path: str(nra, 1), verb: str(nra, 2) };
  } else if (kind === 'SelfSubjectRulesReview' && spec) {
    out.namespace = str(spec, 1) ?? '';
  }
  return { kind, apiVersion, spec: out };
}
