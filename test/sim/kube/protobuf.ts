// Just enough of the Kubernetes protobuf encoding to read what kubectl's typed clients send
// (`kubectl auth can-i`, `kubectl create namespace|serviceaccount|configmap|role|rolebinding`):
// the "k8s\0" envelope around runtime.Unknown (apimachinery pkg/runtime/serializer/protobuf,
// generated.proto: typeMeta 1, raw 2), and the fields of the authorization/v1, core/v1 and
// rbac/v1 generated.proto messages those commands carry. Other kinds stay a 415.
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

const strs = (f: Fields, n: number) => (f.get(n) ?? []).filter(Buffer.isBuffer).map((b) => (b as Buffer).toString('utf8'));
const msgs = (f: Fields, n: number) => (f.get(n) ?? []).filter(Buffer.isBuffer).map((b) => fields(b as Buffer));

function stringMap(f: Fields, n: number): Record<string, string> | undefined {
  const entries = msgs(f, n);
  if (!entries.length) return undefined;
  return Object.fromEntries(entries.map((e) => [str(e, 1) ?? '', str(e, 2) ?? '']));
}

function objectMeta(f: Fields | undefined): any {
  const m: any = {};
  if (!f) return m;
  for (const [k, n] of [['name', 1], ['generateName', 2], ['namespace', 3]] as const) if (str(f, n)) m[k] = str(f, n);
  const labels = stringMap(f, 11);
  const annotations = stringMap(f, 12);
  if (labels) m.labels = labels;
  if (annotations) m.annotations = annotations;
  return m;
}

function unwrap(body: Buffer): { kind: string; apiVersion: string; obj: Fields } {
  if (body.subarray(0, 4).toString('latin1') !== 'k8s\0') throw new Error('not a Kubernetes protobuf envelope');
  const unknown = fields(body.subarray(4));
  const tm = msg(unknown, 1);
  const raw = unknown.get(2)?.[0];
  return { kind: (tm && str(tm, 2)) ?? '', apiVersion: (tm && str(tm, 1)) ?? '', obj: Buffer.isBuffer(raw) ? fields(raw) : new Map() };
}

/** An object kubectl created as protobuf, as JSON; undefined for a kind not decoded here. */
export function decodeObject(body: Buffer): any | undefined {
  const { kind, apiVersion, obj } = unwrap(body);
  const out: any = { apiVersion, kind, metadata: objectMeta(msg(obj, 1)) };
  switch (kind) {
    case 'Namespace':
      return out;
    case 'ServiceAccount': {
      const auto = obj.get(4)?.[0];
      if (typeof auto === 'number') out.automountServiceAccountToken = auto === 1;
      return out;
    }
    case 'ConfigMap': {
      const data = stringMap(obj, 2);
      if (data) out.data = data;
      const bin = msgs(obj, 3);
      if (bin.length) out.binaryData = Object.fromEntries(bin.map((e) => [str(e, 1) ?? '', (e.get(2)?.[0] as Buffer | undefined)?.toString('base64') ?? '']));
      const imm = obj.get(4)?.[0];
      if (typeof imm === 'number') out.immutable = imm === 1;
      return out;
    }
    case 'Role':
    case 'ClusterRole':
      out.rules = msgs(obj, 2).map((r) => {
        const rule: any = { verbs: strs(r, 1) };
        for (const [k, n] of [['apiGroups', 2], ['resources', 3], ['resourceNames', 4], ['nonResourceURLs', 5]] as const) if (strs(r, n).length) rule[k] = strs(r, n);
        return rule;
      });
      return out;
    case 'RoleBinding':
    case 'ClusterRoleBinding': {
      out.subjects = msgs(obj, 2).map((x) => {
        const sub: any = { kind: str(x, 1) };
        if (str(x, 2)) sub.apiGroup = str(x, 2);
        sub.name = str(x, 3);
        if (str(x, 4)) sub.namespace = str(x, 4);
        return sub;
      });
      const ref = msg(obj, 3);
      out.roleRef = { apiGroup: ref ? str(ref, 1) ?? '' : '', kind: ref ? str(ref, 2) : undefined, name: ref ? str(ref, 3) : undefined };
      return out;
    }
    case 'TokenRequest': {
      // authentication/v1 TokenRequestSpec: audiences 1, boundObjectRef 3, expirationSeconds 4.
      const spec = msg(obj, 2);
      out.spec = {};
      if (spec) {
        if (strs(spec, 1).length) out.spec.audiences = strs(spec, 1);
        const exp = spec.get(4)?.[0];
        if (typeof exp === 'number') out.spec.expirationSeconds = exp;
      }
      return out;
    }
    default:
      return undefined;
  }
}

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
