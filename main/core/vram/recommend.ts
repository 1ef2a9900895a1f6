// Recommendations (the seed's list of strings) and deploy suggestions, both decided by the
// free GPU units, since a model deployment gets exactly one. The recommendations use the
// same estimator and fit check per unit as the catalogue and the estimate route (fit.ts),
// so "can deploy 70B" holds exactly when the catalogue's 70B row fits.
import type { GpuInfo } from '../../../preload/contract/index.ts';
import { CATALOGUE, familyMembers } from './catalogue.ts';
import { estimateFromName } from './estimate.ts';
import { fitAcrossUnits, freeUnits } from './fit.ts';
import { factsFromCatalogue } from './model-facts.ts';
import { parseModelName } from './model-name.ts';

interface Sized {
  model: string;
  params: number;
  required_vram_gb: number;
}

const deployable = CATALOGUE.filter((m) => m.name !== 'nomic-embed-text:latest');

let sized: Sized[] | null = null;
/** Catalogue models with their name estimates, largest first (computed once): for suggestions. */
function catalogueSized(): Sized[] {
  sized ??= deployable
    .map((m) => ({ model: m.name, params: m.params, required_vram_gb: estimateFromName(m.name).required_vram_gb }))
    .sort((a, b) => b.required_vram_gb - a.required_vram_gb);
  return sized;
}

/** Catalogue models that run entirely on one of the free units (at that unit's default context), largest first. */
export function catalogueFits(info: GpuInfo, ollamaVersion: string): Sized[] {
  const units = freeUnits(info);
  if (!units.length) return [];
  return deployable
    .map((m) => ({ m, r: fitAcrossUnits(factsFromCatalogue(m.name, m), units, { ollamaVersion }) }))
    .filter(({ r }) => r.fit.fits)
    .map(({ m, r }) => ({ model: m.name, params: m.params, required_vram_gb: r.estimate.required_vram_gb }))
    .sort((a, b) => b.required_vram_gb - a.required_vram_gb);
}

export function recommendations(info: GpuInfo, ollamaVersion = 'latest'): string[] {
  const largestFreeGb = info.largest_free_gpu_gb;
  if (info.gpu_count === 0) return ['No GPU nodes found: no model deployment can be scheduled'];
  const fits = catalogueFits(info, ollamaVersion);
  const out: string[] = [];
  const biggest = fits.reduce((a, m) => Math.max(a, m.params), 0);
  // The seed's tier wording, said only when a model of that size really fits one free GPU.
  if (biggest >= 65e9) out.push('Can deploy large models (7B-70B)');
  else if (biggest >= 12e9) out.push('Can deploy medium models (7B-13B)');
  else if (biggest >= 6.5e9) out.push('Can deploy small models (1B-7B)');
  else if (fits.length) out.push('Quantized models only (below 7B)');
  else out.push('Insufficient VRAM for new deployments');
  out.push(`Largest free GPU: ${largestFreeGb.toFixed(1)} GiB (cluster-wide free ${info.available_vram_gb.toFixed(1)} GiB); a deployment must fit on one GPU, entirely`);
  if (fits.length) {
    out.push(`Largest model that fits: ${fits[0]!.model} (~${fits[0]!.required_vram_gb.toFixed(1)} GiB at Ollama ${ollamaVersion}'s default context on that unit)`);
    out.push(`Models that fit: ${fits.slice(0, 8).map((m) => m.model).join(', ')}`);
  }
  return out;
}

export interface Suggestion {
  model: string;
  required_vram_gb: number;
  why: 'smaller' | 'more-quantized' | 'other';
}

// Families whose library publishes `<size>-instruct-<quant>` tags.
const INSTRUCT_QUANT_FAMILIES = new Set(['llama3.1', 'llama3.2', 'llama3.3', 'qwen2.5', 'qwen2.5-coder', 'mistral', 'gemma2']);
const SMALLER_QUANTS = ['q4_K_M', 'q4_0', 'q3_K_M', 'q3_K_S', 'q2_K'];

/** Tags that would fit `limitGb`: more quantized forms of the same size, smaller tags of the family, then other models. */
export function suggestionsFor(model: string, limitGb: number, max = 5): Suggestion[] {
  const { family, tag } = parseModelName(model);
  const current = estimateFromName(model).required_vram_gb;
  const seen = new Set<string>([model]);
  const pick = (names: string[], why: Suggestion['why']): Suggestion[] => {
    const list: Suggestion[] = [];
    for (const name of names) {
      if (seen.has(name)) continue;
      seen.add(name);
      const required = estimateFromName(name).required_vram_gb;
      if (required <= limitGb && required < current) list.push({ model: name, required_vram_gb: required, why });
    }
    return list.sort((a, b) => b.required_vram_gb - a.required_vram_gb);
  };
  const size = /^(?:\d+x)?\d+(?:\.\d+)?[bm](?=$|-)/i.exec(tag)?.[0];
  const quantized = size && INSTRUCT_QUANT_FAMILIES.has(family) ? SMALLER_QUANTS.map((q) => `${family}:${size}-instruct-${q}`) : [];
  const out = [
    ...pick(quantized, 'more-quantized'),
    ...pick(familyMembers(family).map((m) => m.name), 'smaller'),
    ...pick(catalogueSized().map((m) => m.model), 'other'),
  ];
  return out.slice(0, max);
}
