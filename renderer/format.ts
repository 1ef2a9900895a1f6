// Number and date formatting shared by the views. Memory is binary (GiB, MiB) everywhere,
// with the core's conversion (preload/contract/units.ts): the same bytes read the same in
// every table, whether the API sent bytes or a `_gb` field.
import { bytesToGib, GIB } from '../preload/contract/units.ts';

/** A `_gb` field of the API (GiB). */
export function gb(value: number | null | undefined, digits = 1): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '—' : `${value.toFixed(digits)} GiB`;
}

/** A byte count: GiB from 1 GiB up (two decimals, as the API's `_gb` fields), else MiB, KiB, B. */
export function bytes(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  if (value >= GIB) return gb(bytesToGib(value), 2);
  const units = ['B', 'KiB', 'MiB'];
  let v = value;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(i === 0 ? 0 : v < 10 ? 2 : 1)} ${units[i]}`;
}

export function rate(bytesPerSecond: number | null | undefined): string {
  return bytesPerSecond ? `${bytes(bytesPerSecond)}/s` : '—';
}

export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

export function age(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '—';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const s = Math.max(0, (now - t) / 1000);
  if (s < 90) return `${Math.round(s)}s ago`;
  if (s < 5400) return `${Math.round(s / 60)}m ago`;
  if (s < 172800) return `${Math.round(s / 3600)}h ago`;
  return `${Math.round(s / 86400)}d ago`;
}

export function percent(value: number | null | undefined, digits = 1): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '—' : `${value.toFixed(digits)}%`;
}

/** The Model column of a deployment: its model, what a plain Ollama serves, or nothing for other workloads. */
export function servedModel(d: { model_server: boolean; model_id: string; server?: string }): string {
  if (!d.model_server) return '—';
  if (d.model_id) return d.model_id;
  return d.server === 'ollama' ? 'any pulled model (Ollama)' : '—';
}
