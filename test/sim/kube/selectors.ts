// labelSelector and fieldSelector, parsed the way apimachinery does (the common subset:
// =, ==, !=, in, notin, exists, !key; fields by =, ==, !=). A bad selector is a 400.
import type { KObj } from './types.ts';
import { errors } from './status.ts';

export type Matcher = (obj: KObj) => boolean;

type LabelReq =
  | { op: 'eq' | 'neq'; key: string; value: string }
  | { op: 'in' | 'notin'; key: string; values: string[] }
  | { op: 'exists' | 'notexists'; key: string };

function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((x) => x.trim()).filter((x) => x !== '');
}

const keyRe = /^([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?\/)?[a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?$/;
const valueRe = /^([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?)?$/;

function parseLabelReq(s: string): LabelReq {
  const bad = (why: string) => errors.badRequest(`unable to parse requirement: ${why}`);
  let m = /^!\s*(\S+)$/.exec(s);
  if (m) return { op: 'notexists', key: check(m[1]!) };
  m = /^(\S+?)\s+(in|notin)\s*\((.*)\)$/.exec(s);
  if (m) {
    const values = m[3]!.split(',').map((v) => v.trim());
    for (const v of values) if (!valueRe.test(v)) throw bad(`values[0]: Invalid value: "${v}"`);
    return { op: m[2] === 'in' ? 'in' : 'notin', key: check(m[1]!), values };
  }
  m = /^([^\s!=]+)\s*(==|=|!=)\s*(.*)$/.exec(s);
  if (m) {
    const value = m[3]!.trim();
    if (!valueRe.test(value)) throw bad(`values[0]: Invalid value: "${value}"`);
    return { op: m[2] === '!=' ? 'neq' : 'eq', key: check(m[1]!), value };
  }
  if (/^\S+$/.test(s)) return { op: 'exists', key: check(s) };
  throw errors.badRequest(`unable to parse requirement: found '${s}', expected: identifier`);

  function check(k: string): string {
    if (!keyRe.test(k)) throw bad(`key: Invalid value: "${k}": name part must consist of alphanumeric characters, '-', '_' or '.'`);
    return k;
  }
}

export function labelMatcher(selector: string | undefined): Matcher | undefined {
  if (!selector || !selector.trim()) return undefined;
  const reqs = splitTop(selector).map(parseLabelReq);
  return (obj) => {
    const labels = obj.metadata.labels ?? {};
    for (const r of reqs) {
      const has = Object.hasOwn(labels, r.key);
      const v = labels[r.key];
      switch (r.op) {
        case 'eq': if (v !== r.value) return false; break;
        case 'neq': if (v === r.value) return false; break;
        case 'in': if (!has || !r.values.includes(v!)) return false; break;
        case 'notin': if (has && r.values.includes(v!)) return false; break;
        case 'exists': if (!has) return false; break;
        case 'notexists': if (has) return false; break;
      }
    }
    return true;
  };
}

/** Does a set of matchLabels select these labels? (Deployment selectors, service selectors.) */
export function matchLabels(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector) return false;
  for (const [k, v] of Object.entries(selector)) if (labels?.[k] !== v) return false;
  return true;
}

const fieldGetters: Record<string, (o: KObj) => string | undefined> = {
  'metadata.name': (o) => o.metadata.name,
  'metadata.namespace': (o) => o.metadata.namespace ?? '',
  'spec.nodeName': (o) => o.spec?.nodeName ?? '',
  'status.phase': (o) => o.status?.phase ?? '',
  'spec.restartPolicy': (o) => o.spec?.restartPolicy ?? '',
  'spec.schedulerName': (o) => o.spec?.schedulerName ?? '',
  'spec.serviceAccountName': (o) => o.spec?.serviceAccountName ?? '',
  'status.podIP': (o) => o.status?.podIP ?? '',
  'spec.unschedulable': (o) => String(Boolean(o.spec?.unschedulable)),
  'type': (o) => o.type ?? '',
  // Events (pkg/registry/core/event/strategy.go ToSelectableFields); an events.k8s.io/v1 event keeps the same fields under regarding.
  'reason': (o) => o.reason ?? '',
  'source': (o) => (o.source ?? o.deprecatedSource)?.component ?? '',
  'reportingComponent': (o) => o.reportingComponent ?? o.reportingController ?? '',
  ...Object.fromEntries(['kind', 'namespace', 'name', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath'].flatMap((f) => [
    [`involvedObject.${f}`, (o: KObj) => String((o.involvedObject ?? o.regarding)?.[f] ?? '')],
    [`regarding.${f}`, (o: KObj) => String((o.regarding ?? o.involvedObject)?.[f] ?? '')],
  ])),
};

const eventFields = ['reason', 'source', 'type', 'reportingComponent',
  ...['kind', 'namespace', 'name', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath'].flatMap((f) => [`involvedObject.${f}`, `regarding.${f}`])];

const fieldsByKind: Record<string, string[]> = {
  pods: ['spec.nodeName', 'status.phase', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'status.podIP'],
  nodes: ['spec.unschedulable'],
  namespaces: ['status.phase'],
  events: eventFields,
};

export function fieldMatcher(selector: string | undefined, plural: string): Matcher | undefined {
  if (!selector || !selector.trim()) return undefined;
  const reqs = splitTop(selector).map((s) => {
    const m = /^([^\s!=]+)\s*(==|=|!=)\s*(.*)$/.exec(s);
    if (!m) throw errors.badRequest(`invalid selector: '${selector}'; can't understand '${s}'`);
    const field = m[1]!;
    const allowed = field === 'metadata.name' || field === 'metadata.namespace' || (fieldsByKind[plural] ?? []).includes(field);
    if (!allowed) throw errors.badRequest(`field label not supported: ${field}`);
    return { get: fieldGetters[field]!, neq: m[2] === '!=', value: m[3]!.trim() };
  });
  return (obj) => reqs.every((r) => (r.get(obj) === r.value) !== r.neq);
}

export function both(a: Matcher | undefined, b: Matcher | undefined): Matcher | undefined {
  if (a && b) return (o) => a(o) && b(o);
  return a ?? b;
}
