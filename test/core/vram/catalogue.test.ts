// The one model table: every curated model with a description and its architecture, one
// entry per tag, REFERENCE.md's download sizes, and estimates made from the table itself.
import { describe, expect, it } from 'vitest';
import { CATALOGUE, CURATED, findCatalogueModel } from '../../../main/core/vram/catalogue.ts';
import { estimateFromName } from '../../../main/core/vram/estimate.ts';

const REFERENCE_SIZES: [string, number][] = [
  ['llama3.1:8b', 4.7], ['llama3.1:70b', 40], ['llama3.3:70b', 43], ['llama3.1:405b', 231], ['llama3.2:3b', 2.0], ['llama3.2:1b', 1.3],
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
  });
});
