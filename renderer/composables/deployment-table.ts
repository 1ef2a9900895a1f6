// The Deployments table's columns, each with a plain value for sorting and searching kept
// apart from how it is drawn; rows are computed once per change of the list, not per render.
import type { DeploymentInfo } from '../../preload/contract/index.ts';
import { servedModel } from '../format.ts';

export interface Column {
  key: string;
  label: string;
  /** What the header says below 1,180 px (the full label is its tooltip). */
  short?: string;
  numeric?: boolean;
  value: (d: DeploymentInfo) => string | number;
}

const num = (s: string) => {
  const n = Number.parseFloat(s);
  return Number.isFinite(n) ? n : -1;
};

export const columns: Column[] = [
  { key: 'name', label: 'Name', value: (d) => d.name },
  { key: 'namespace', label: 'Namespace', short: 'NS', value: (d) => d.namespace },
  { key: 'model', label: 'Model', value: (d) => servedModel(d) },
  { key: 'status', label: 'Status', value: (d) => d.status },
  { key: 'replicas', label: 'Replicas', short: 'Ready', numeric: true, value: (d) => num(d.replicas.split('/')[0] ?? '') },
  { key: 'gpu', label: 'GPU', numeric: true, value: (d) => num(d.gpu) },
  { key: 'memory', label: 'Pod memory (RAM)', short: 'RAM', numeric: true, value: (d) => num(d.memory) },
  { key: 'vram', label: 'VRAM est. / measured', short: 'VRAM est./meas.', numeric: true, value: (d) => d.measured_vram_gb ?? d.estimated_vram_gb ?? -1 },
  { key: 'created', label: 'Created', value: (d) => d.created },
];
export const columnKeys = new Set(columns.map((c) => c.key));

export interface TableQuery {
  q: string;
  ns: string;
  all: boolean;
  /** A column key, `-key` for descending. */
  sort: string;
}

export interface Row {
  key: string;
  d: DeploymentInfo;
  text: string;
}

export function toRows(list: DeploymentInfo[]): Row[] {
  return list.map((d) => ({ key: `${d.namespace}/${d.name}`, d, text: `${d.namespace}/${d.name} ${servedModel(d)} ${d.image} ${d.status} ${d.reason ?? ''} ${d.server ?? ''}`.toLowerCase() }));
}

/** Filters and sorts; every word of the search must appear (namespace/name, model, image, status, reason). */
export function applyQuery(rows: Row[], query: TableQuery): Row[] {
  const words = query.q.toLowerCase().split(/\s+/).filter(Boolean);
  const out = rows.filter((r) => (query.all || r.d.model_server) && (!query.ns || r.d.namespace === query.ns) && words.every((w) => r.text.includes(w)));
  const desc = query.sort.startsWith('-');
  const col = columns.find((c) => c.key === (desc ? query.sort.slice(1) : query.sort));
  if (col) {
    const v = new Map(out.map((r) => [r, col.value(r.d)]));
    out.sort((a, b) => {
      const x = v.get(a)!;
      const y = v.get(b)!;
      const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
      return (desc ? -c : c) || a.key.localeCompare(b.key);
    });
  }
  return out;
}
