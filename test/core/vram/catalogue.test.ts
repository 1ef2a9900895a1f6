// The one model table: every curated model with a description and its architecture, one
// entry per tag, REFERENCE.md's download sizes, and estimates made from the table itself.
import { describe, expect, it } from 'vitest';
import { CATALOGUE, CURATED, findCatalogueModel } from '../../../main/core/vram/catalogue.ts';
import { estimateFromName } from '../../../main/core/vram/estimate.ts';
import { findLibraryModel, weightsBytes } from '../../sim/ollama/library.ts';
import { fallbackEstimate } from '../../../main/core/ollama/catalog.ts';

// llama3.1 8b/70b/405b and llama3.3:70b as REFERENCE computes them from the tensor shapes (the README rounds them down).
const REFERENCE_SIZES: [string, number][] = [
  ['llama3.1:8b', 4.92], ['llama3.1:70b', 42.5], ['llama3.3:70b', 42.5], ['llama3.1:405b', 243], ['llama3.2:3b', 2.0], ['llama3.2:1b', 1.3],
  ['phi3:mini', 2.3], ['phi3:medium', 7.9], ['mistral:7b', 4.1], ['gemma2:9b', 5.5], ['gemma3:27b', 17], ['qwq:32b', 20], ['deepseek-r1:7b', 4.7], ['codellama:7b', 3.8],
];

describe('the model table', () => {
  it('offers the curated models, each with a description and real architecture numbers', () => {
    expect(CURATED.length).toBeGreaterThanOrEqual(40);
    for (const n of ['qwen2.5:1.5b', 'qwen2.5:3b', 'qwen2.5-coder:1.5b', 'deepseek-r1:1.5b', 'deepseek-r1:8b', 'gemma3:1b', 'phi4:14b', 'codellama:13b', 'deepseek-coder:1.3b', 'codellama:7b-instruct']) {
      expect(CURATED.map((m) => m.name)).toContain(n);
    }
    for (const m of CURATED) {
      expect(m.description.length, m.name).toBeGreaterThan(5);
      expect(m.blocks, m.name).toBeGreaterThan(0);
      expect(m.kvHeads, m.name).toBeGreaterThan(0);
      expect([64, 80, 96, 128, 256], m.name).toContain(m.headDim);
      expect(m.downloadGb, m.name).toBeGreaterThan(0);
      // The estimate of a curated name comes from its own row, not from a guess.
      expect(estimateFromName(m.name).detail, m.name).toContain(`catalogue size of ${m.name}`);
    }
  });

  it('holds each tag once', () => {
    const tags = CATALOGUE.flatMap((m) => [m.name, ...(m.aliases ?? [])]);
    expect(new Set(tags).size).toBe(tags.length);
  });

  it("uses REFERENCE.md's download sizes", () => {
    for (const [name, gb] of REFERENCE_SIZES) {
      const [family, tag] = name.split(':') as [string, string];
      expect(findCatalogueModel(family, tag)?.downloadGb, name).toBe(gb);
    }
    // "llama3.2:1b is Q8_0: a 1.3 GB file for 1.24 B parameters."
    expect(findCatalogueModel('llama3.2', '1b')?.quant).toBe('Q8_0');
  });

  it("has every model (and alias) in the simulator's library, with the same size, quantization and architecture", () => {
    for (const m of CATALOGUE) {
      for (const tag of [m.name, ...(m.aliases ?? [])]) {
        const lib = findLibraryModel(tag);
        expect(lib, tag).toBeDefined();
        const spec = lib!.spec;
        expect(Math.abs(weightsBytes(lib!) / 1e9 - m.downloadGb), tag).toBeLessThan(0.01 + 0.01 * m.downloadGb);
        expect({ quant: spec.quant, blocks: spec.blocks, kvHeads: spec.kvHeads, vocab: spec.vocab, context: spec.context, tied: spec.tied ?? false, window: spec.slidingWindow ?? 0 }, tag)
          .toEqual({ quant: m.quant, blocks: m.blocks, kvHeads: m.kvHeads, vocab: m.vocab, context: m.context, tied: m.tied ?? false, window: m.slidingWindow ?? 0 });
      }
    }
  });

  it("gives the catalogue, when the cluster side is late, the estimator's own figure and says the fit is not checked", () => {
    for (const m of CURATED) {
      const e = fallbackEstimate(m);
      expect(e.required_vram_gb, m.name).toBe(estimateFromName(m.name, { context_length: 4096 }).required_vram_gb);
      expect(e.detail).toMatch(/did not answer in time/);
    }
  });
});
