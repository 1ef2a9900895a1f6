// Bits per weight of GGUF quantizations (gollama's table, REFERENCE.md) and the words
// in a tag that name one.

export const BITS_PER_WEIGHT: Readonly<Record<string, number>> = {
  F32: 32,
  F16: 16,
  BF16: 16,
  FP16: 16,
  Q8_0: 8.5,
  Q6_K: 6.59,
  Q5_1: 6,
  Q5_K_M: 5.69,
  Q5_K_S: 5.54,
  Q5_0: 5.54,
  Q4_1: 5,
  Q4_K_L: 4.9,
  Q4_K_M: 4.85,
  Q4_K_S: 4.58,
  Q4_0: 4.55,
  IQ4_NL: 4.5,
  Q3_K_L: 4.27,
  IQ4_XS: 4.25,
  Q3_K_M: 3.91,
  IQ3_M: 3.7,
  Q3_K_S: 3.5,
  Q2_K: 3.35,
};

/** Ollama's default tags are Q4_K_M (older models Q4_0, which the catalogue says). */
export const DEFAULT_QUANT = 'Q4_K_M';

// The seed's quantization words. They mean "quantized from full precision": int8 ≈ 8-bit,
// GPTQ/AWQ/int4 ≈ 4-bit, i.e. 28–53% of the F16 size (the seed's "40–75% of base").
const WORDS: Record<string, { quant: string; bits: number }> = {
  int8: { quant: 'INT8', bits: 8.5 },
  int4: { quant: 'INT4', bits: 4.5 },
  gptq: { quant: 'GPTQ', bits: 4.5 },
  awq: { quant: 'AWQ', bits: 4.5 },
};

export interface Quantization {
  quant: string;
  bits: number;
  /** 'tag' when the tag names it, otherwise where the default came from. */
  from: 'tag' | 'catalogue' | 'default';
}

/** The quantization a tag names (`8b-instruct-q5_K_M`, `7b-fp16`, `13b-gptq`), or null. */
export function quantFromTag(tag: string): Quantization | null {
  const parts = tag.split(/[-_.:]/).map((p) => p.toLowerCase());
  // GGUF names hold underscores (q4_K_M), so try the longest joined runs first.
  const upper = tag.toUpperCase();
  const names = Object.keys(BITS_PER_WEIGHT).sort((a, b) => b.length - a.length);
  for (const name of names) {
    const re = new RegExp(`(?:^|[-:.])${name}(?=$|[-:.])`);
    if (re.test(upper)) return { quant: name === 'FP16' ? 'F16' : name, bits: BITS_PER_WEIGHT[name]!, from: 'tag' };
  }
  for (const part of parts) {
    const word = WORDS[part];
    if (word) return { ...word, from: 'tag' };
  }
  return null;
}

export function bitsOf(quant: string): number {
  return BITS_PER_WEIGHT[quant.toUpperCase()] ?? BITS_PER_WEIGHT[DEFAULT_QUANT]!;
}
