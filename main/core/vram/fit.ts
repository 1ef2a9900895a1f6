// Fit means it runs entirely on the GPU: the estimate at the unit's own default context must
// be within the unit's free memory; otherwise llama.cpp moves whole layers to the CPU.
import type { FitResult, GpuInfo, VramEstimate } from '../../../preload/contract/index.ts';
import { estimate, type EstimateOptions } from './estimate.ts';
import type { ModelFacts } from './model-facts.ts';
import { round2 } from './units.ts';

/** A free GPU unit a new deployment could get: what Ollama there sees (`memory_gb`) and may use (`free_gb`). */
export interface FreeUnit {
  node: string;
  resource: string;
  product: string;
  memory_gb: number;
  free_gb: number;
}

/** Does `e` run entirely on a unit with `unitGiB` free? If not, how much would not fit. */
export function fitOnUnit(e: VramEstimate, unitGiB: number): FitResult {
  const required = e.required_vram_gb;
  const short = round2(Math.max(0, required - unitGiB));
  const unit = round2(unitGiB);
  const parts = `${e.resident_vram_gb ?? required} GiB resident${e.margin_gb ? ` + ${e.margin_gb} GiB free margin` : ''}`;
  let message: string;
  if (short <= 0) {
    message = `${e.model} fits: it needs ${required} GiB (${parts}) of the ${unit} GiB free on the unit, at ${e.context_length} tokens`;
  } else {
    const layers = e.layers ?? 0;
    const perLayer = layers ? (e.weights_gb + e.kv_cache_gb) / layers : 0;
    const moved = perLayer > 0 ? Math.min(layers, Math.ceil(short / perLayer)) : 0;
    message =
      `${e.model} needs ${required} GiB (${parts}) at ${e.context_length} tokens, but the unit has ${unit} GiB free: ` +
      `${short} GiB would not fit, so Ollama would run that part${moved ? ` (about ${moved} of its ${layers} layers)` : ''} on the CPU, slowly`;
  }
  if (e.assumed) {
    return { fits: false, shortfall_gb: short, message: `Not confirmed: ${e.assumption ?? 'the size was assumed'}. At that size: ${message}` };
  }
  return { fits: short <= 0, shortfall_gb: short, message };
}

/** Free units from the GPU status: whole GPUs and slices are their own; a time-sliced share sees the whole GPU but may use what the others leave. */
export function freeUnits(info: GpuInfo): FreeUnit[] {
  const out: FreeUnit[] = [];
  for (const node of info.nodes) {
    if (node.largest_free_unit_gb <= 0) continue; // not ready, cordoned or full
    for (const g of node.groups) {
      if (g.free_units <= 0) continue;
      if (g.sharing === 'time-slicing') {
        const whole = g.physical_gpus > 0 ? g.total_vram_gb / g.physical_gpus : g.vram_per_unit_gb;
        out.push({ node: node.name, resource: g.resource, product: g.product, memory_gb: whole, free_gb: Math.max(0, Math.min(whole, g.total_vram_gb - g.allocated_vram_gb)) });
      } else {
        out.push({ node: node.name, resource: g.resource, product: g.product, memory_gb: g.vram_per_unit_gb, free_gb: g.vram_per_unit_gb });
      }
    }
  }
  return out;
}

export interface UnitFit {
  estimate: VramEstimate;
  fit: FitResult;
}

/**
 * The estimate on each candidate unit (its default context depends on its memory) and the
 * unit the model would get: the smallest on which it fits, else the one it misses by least.
 * Without units, the estimate where the GPU is not known, and no fit.
 */
export function fitAcrossUnits(facts: ModelFacts, units: FreeUnit[], o: Omit<EstimateOptions, 'gpuMemoryGiB'>): UnitFit {
  const seen = new Map<string, UnitFit & { unit: FreeUnit }>();
  for (const u of units) {
    const key = `${u.memory_gb}/${u.free_gb}`;
    if (seen.has(key)) continue;
    const e = estimate(facts, { ...o, gpuMemoryGiB: u.memory_gb });
    seen.set(key, { estimate: e, fit: { ...fitOnUnit(e, u.free_gb), unit: { ...u, memory_gb: round2(u.memory_gb), free_gb: round2(u.free_gb) } }, unit: u });
  }
  const all = [...seen.values()];
  if (!all.length) {
    const e = estimate(facts, { ...o, gpuMemoryGiB: null });
    const fit = fitOnUnit(e, 0);
    return { estimate: e, fit: { fits: false, shortfall_gb: fit.shortfall_gb, message: `No free GPU unit: ${e.model} needs ${e.required_vram_gb} GiB at ${e.context_length} tokens` } };
  }
  const fitting = all.filter((x) => x.fit.shortfall_gb <= 0).sort((a, b) => a.unit.free_gb - b.unit.free_gb);
  const best = fitting[0] ?? all.sort((a, b) => a.fit.shortfall_gb - b.fit.shortfall_gb || b.unit.free_gb - a.unit.free_gb)[0]!;
  return { estimate: best.estimate, fit: best.fit };
}
