// Patch bodies: JSON merge patch (RFC 7386) and JSON patch (RFC 6902); strategic merge is
// strategic.ts. A JSON patch that does not apply is a 422, as in apiserver handlers/patch.go.
/* eslint-disable @typescript-eslint/no-explicit-any */
import { errors } from './status.ts';

export function mergePatch(target: any, patch: any): any {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: any = target && typeof target === 'object' && !Array.isArray(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch' || k.startsWith('$setElementOrder') || k.startsWith('$deleteFromPrimitiveList') || k === '$retainKeys') continue;
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

function unescape(s: string): string {
  return s.replace(/~1/g, '/').replace(/~0/g, '~');
}

export function jsonPatch(doc: any, ops: any): any {
  if (!Array.isArray(ops)) throw errors.badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  let root = structuredClone(doc);
  for (const op of ops) {
    const path: string = op?.path ?? '';
    const parts = path === '' ? [] : path.split('/').slice(1).map(unescape);
    if (parts.length === 0) {
      if (op.op === 'add' || op.op === 'replace') root = structuredClone(op.value);
      continue;
    }
    let parent: any = root;
    for (const p of parts.slice(0, -1)) {
      parent = Array.isArray(parent) ? parent[Number(p)] : parent?.[p];
      if (parent === undefined || parent === null) throw errors.patchNotApplicable();
    }
    const last = parts[parts.length - 1]!;
    const idx = last === '-' ? (Array.isArray(parent) ? parent.length : -1) : Number(last);
    switch (op.op) {
      case 'add':
        if (Array.isArray(parent)) parent.splice(idx, 0, structuredClone(op.value));
        else parent[last] = structuredClone(op.value);
        break;
      case 'replace':
        if (Array.isArray(parent)) parent[idx] = structuredClone(op.value);
        else {
          if (!(last in parent)) throw errors.patchNotApplicable();
          parent[last] = structuredClone(op.value);
        }
        break;
      case 'remove':
        if (Array.isArray(parent)) parent.splice(idx, 1);
        else {
          if (!(last in parent)) throw errors.patchNotApplicable();
          delete parent[last];
        }
        break;
      case 'test':
        if (JSON.stringify(Array.isArray(parent) ? parent[idx] : parent[last]) !== JSON.stringify(op.value))
          throw errors.patchNotApplicable();
        break;
      default:
        throw errors.badRequest(`Unexpected kind: ${op?.op}`);
    }
  }
  return root;
}
