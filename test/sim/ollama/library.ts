// The simulated registry: every model the simulator can pull, with layers, details and model_info.
import { createHash } from 'node:crypto';
import { MODEL_SPECS, type ModelSpec, type Quant } from './library-data.ts';
import { LICENSE_HEADS, STYLES, parametersText } from './templates.ts';
import { displayShortest, nameKey, parseModelName } from './names.ts';

export type { ModelSpec } from './library-data.ts';

export interface Layer {
  mediaType: string;
  digest: string; // "sha256:<64 hex>"
  size: number;
}

export interface ModelDetails {
  parent_model: string;
  format: string;
  family: string;
  families: string[];
  parameter_size: string;
  quantization_level: string;
}

export interface LibraryModel {
  name: string; // canonical tag, e.g. "llama3.1:8b"
  aliases: string[];
  size: number; // bytes on disk: all layers plus the config blob
  digest: string; // manifest digest, 64 hex, as /api/tags shows it
  details: ModelDetails;
  model_info: Record<string, unknown>;
  capabilities: string[];
  template: string;
  parameters: string;
  license: string;
  layers: Layer[]; // pull order: weights, template, license, params, then the config blob
  spec: ModelSpec;
  // Set on models made by /api/create (the library's own have none, or keep them in `parameters`).
  system?: string;
  messages?: unknown[];
  params?: Record<string, unknown>;
}

export const MEDIA_TYPES = {
  model: 'application/vnd.ollama.image.model',
  template: 'application/vnd.ollama.image.template',
  license: 'application/vnd.ollama.image.license',
  params: 'application/vnd.ollama.image.params',
  config: 'application/vnd.docker.container.image.v1+json',
} as const;

const FILE_TYPES: Record<Quant, number> = { F16: 1, Q4_0: 2, Q8_0: 7, Q4_K_M: 15 };

export function sha256Hex(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

/** Ollama's format.HumanNumber: "8.0B", "494.03M", "70B". */
export function humanNumber(n: number): string {
  if (n >= 1e9) {
    const v = n / 1e9;
    return Number.isInteger(v) ? `${v}B` : `${v.toFixed(1)}B`;
  }
  if (n >= 1e6) {
    const v = n / 1e6;
    return Number.isInteger(v) ? `${v}M` : `${v.toFixed(2)}M`;
  }
  if (n >= 1e3) return `${Math.round(n / 1e3)}K`;
  return String(n);
}

function tokenizerModel(spec: ModelSpec): string {
  if (spec.arch === 'nomic-bert') return 'bert';
  if (spec.vocab >= 100000 || spec.arch === 'phi2') return 'gpt2';
  return 'llama';
}

function buildModelInfo(spec: ModelSpec): Record<string, unknown> {
  const a = spec.arch;
  const info: Record<string, unknown> = {
    'general.architecture': a,
    'general.file_type': FILE_TYPES[spec.quant],
    'general.parameter_count': spec.params,
    'general.quantization_version': 2,
    [`${a}.attention.head_count`]: spec.heads,
    [`${a}.attention.head_count_kv`]: spec.kvHeads,
    [`${a}.attention.layer_norm_rms_epsilon`]: a === 'gemma2' || a === 'gemma3' ? 1e-6 : 1e-5,
    [`${a}.block_count`]: spec.blocks,
    [`${a}.context_length`]: spec.context,
    [`${a}.embedding_length`]: spec.embedding,
    [`${a}.feed_forward_length`]: spec.feedForward,
    [`${a}.rope.freq_base`]: spec.ropeBase,
    [`${a}.vocab_size`]: spec.vocab,
    'tokenizer.ggml.model': tokenizerModel(spec),
    'tokenizer.ggml.token_type': null,
    'tokenizer.ggml.tokens': null,
  };
  if (spec.keyLength) {
    info[`${a}.attention.key_length`] = spec.keyLength;
    info[`${a}.attention.value_length`] = spec.keyLength;
  }
  if (spec.slidingWindow) info[`${a}.attention.sliding_window`] = spec.slidingWindow;
  if (spec.experts) {
    info[`${a}.expert_count`] = spec.experts[0];
    info[`${a}.expert_used_count`] = spec.experts[1];
  }
  if (tokenizerModel(spec) === 'gpt2') info['tokenizer.ggml.merges'] = null;
  // Go's encoding/json writes map keys sorted; keep the same order.
  return Object.fromEntries(Object.entries(info).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
}

function buildModel(spec: ModelSpec): LibraryModel {
  const style = STYLES[spec.style];
  const template = style.template;
  const parameters = parametersText(style.stops);
  const license = LICENSE_HEADS[spec.license] ?? spec.license;
  // Small layers are shared by every model with the same text, as in the real registry.
  const small = (mediaType: string, text: string, size: number): Layer => ({ mediaType, digest: `sha256:${sha256Hex(`${mediaType}\n${text}`)}`, size });
  const licenseSize = 1000 + (parseInt(sha256Hex(license).slice(0, 4), 16) % 11000); // full license texts run 1-12 KB
  const paramsJson = JSON.stringify({ stop: style.stops });
  const tail = (parseInt(sha256Hex(spec.name).slice(0, 6), 16) % 2_000_000) - 1_000_000;
  const weights = spec.exactWeightBytes ?? Math.round(spec.gb * 1e9) + tail;
  const layers: Layer[] = [
    { mediaType: MEDIA_TYPES.model, digest: `sha256:${sha256Hex(`weights ${spec.name}`)}`, size: weights },
    small(MEDIA_TYPES.template, template, Buffer.byteLength(template)),
    small(MEDIA_TYPES.license, license, licenseSize),
  ];
  if (style.stops.length > 0) layers.push(small(MEDIA_TYPES.params, paramsJson, Buffer.byteLength(paramsJson)));
  layers.push({ mediaType: MEDIA_TYPES.config, digest: `sha256:${sha256Hex(`config ${spec.name}`)}`, size: 485 + (tail & 0x7f) });
  const family = spec.family ?? spec.arch;
  return {
    name: spec.name,
    aliases: spec.aliases ?? [],
    size: layers.reduce((sum, l) => sum + l.size, 0),
    digest: sha256Hex(`manifest ${spec.name} ${layers.map((l) => l.digest).join(' ')}`),
    details: { parent_model: '', format: 'gguf', family, families: [family], parameter_size: humanNumber(spec.params), quantization_level: spec.quant },
    model_info: buildModelInfo(spec),
    capabilities: spec.capabilities,
    template,
    parameters,
    license,
    layers,
    spec,
  };
}

export const LIBRARY: LibraryModel[] = MODEL_SPECS.map(buildModel);

const byKey = new Map<string, LibraryModel>();
for (const m of LIBRARY) {
  for (const n of [m.name, ...m.aliases]) {
    const parsed = parseModelName(n);
    if (!parsed) throw new Error(`library name ${n} does not parse`);
    byKey.set(nameKey(parsed), m);
  }
}

/**
 * A model pushed by a simulated Ollama (/api/push). There is no real registry: the push lands in
 * this process-wide library, so a later pull of that name from any simulated Ollama finds it.
 */
export function publishModel(name: string, model: LibraryModel): void {
  const parsed = parseModelName(name);
  if (!parsed) throw new Error(`invalid model name ${name}`);
  byKey.set(nameKey(parsed), model);
}

/** Whether the simulated registry holds a blob (a push skips those, as after the registry's HEAD). */
export function registryHasBlob(digest: string): boolean {
  for (const m of byKey.values()) if (m.layers.some((l) => l.digest === digest)) return true;
  return false;
}

/** The registry's model for a name ("llama3.1", "llama3.1:latest", "llama3.1:8b"), or undefined. */
export function findLibraryModel(name: string): LibraryModel | undefined {
  const parsed = parseModelName(name);
  return parsed ? byKey.get(nameKey(parsed)) : undefined;
}

/** The name a pull of `name` is stored under, e.g. "llama3.1" -> "llama3.1:latest". */
export function canonicalDisplayName(name: string): string | undefined {
  const parsed = parseModelName(name);
  return parsed ? displayShortest(parsed) : undefined;
}

/** The weights layer: what a runner loads into VRAM. */
export function weightsBytes(m: LibraryModel): number {
  return m.layers.find((l) => l.mediaType === MEDIA_TYPES.model)?.size ?? m.size;
}
