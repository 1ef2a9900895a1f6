// The simulated model library and name rules: sizes, architecture numbers, aliases, KV formula.
import { describe, expect, it } from 'vitest';
import { LIBRARY, MEDIA_TYPES, findLibraryModel, humanNumber } from './ollama/library.ts';
import { displayShortest, parseModelName } from './ollama/names.ts';
import { kvCacheBytes } from './ollama/vram.ts';

const GB = 1e9;

describe('model library', () => {
  it('has every model REFERENCE.md sizes, at those sizes', () => {
    const sizes: [string, number][] = [
      // llama3.1 8b/70b/405b and llama3.3:70b as REFERENCE computes them from the tensor shapes.
      ['llama3.1:8b', 4.92], ['llama3.1:70b', 42.5], ['llama3.3:70b', 42.5], ['llama3.1:405b', 243], ['llama3.2:3b', 2.0], ['llama3.2:1b', 1.3],
      ['phi3:mini', 2.3], ['phi3:medium', 7.9], ['mistral:7b', 4.1], ['gemma2:9b', 5.5], ['gemma3:27b', 17], ['qwq:32b', 20],
      ['deepseek-r1:7b', 4.7], ['codellama:7b', 3.8], ['qwen2.5-coder:32b', 20], ['tinyllama', 0.638],
    ];
    for (const [name, gb] of sizes) {
      const m = findLibraryModel(name);
      expect(m, name).toBeDefined();
      expect(Math.abs((m?.size as number) / GB - gb), name).toBeLessThan(0.05 * gb + 0.01);
    }
  });

  it('has the seed\'s fallback list and the current models', () => {
    const names = [
      'mistral:7b', 'codellama:7b-instruct', 'deepseek-coder:6.7b', 'llama2:7b', 'llama3.1:8b', 'phi:2.7b', 'tinyllama:1.1b',
      'qwen2.5:0.5b', 'qwen2.5:7b', 'qwen2.5:14b', 'qwen2.5:32b', 'qwen2.5:72b', 'qwen2.5-coder:7b', 'qwen2.5-coder:14b',
      'deepseek-r1:14b', 'deepseek-r1:32b', 'deepseek-r1:70b', 'gemma3:4b', 'gemma3:12b', 'mixtral:8x7b', 'nomic-embed-text',
    ];
    for (const n of names) expect(findLibraryModel(n), n).toBeDefined();
    expect(findLibraryModel('nomic-embed-text')?.capabilities).toEqual(['embedding']);
    // llama3.2:1b is Q8_0 (REFERENCE: a 1.3 GB file for 1.24 B parameters); codellama:13b is in the catalogue.
    expect(findLibraryModel('llama3.2:1b')?.details.quantization_level).toBe('Q8_0');
    expect(findLibraryModel('llama3.2:1b')?.model_info['general.file_type']).toBe(7);
    expect(findLibraryModel('codellama:13b')?.model_info['llama.block_count']).toBe(40);
    expect(findLibraryModel('gemma2:9b')?.model_info['gemma2.attention.sliding_window']).toBe(4096);
  });

  it('resolves aliases to the same manifest', () => {
    expect(findLibraryModel('llama3.1')).toBe(findLibraryModel('llama3.1:8b'));
    expect(findLibraryModel('llama3.1:latest')).toBe(findLibraryModel('llama3.1:8b'));
    expect(findLibraryModel('codellama:7b-instruct')).toBe(findLibraryModel('codellama:7b'));
    expect(findLibraryModel('llama3.1:9b')).toBeUndefined();
  });

  it('uses the real architecture numbers', () => {
    const info = (n: string) => findLibraryModel(n)?.model_info as Record<string, unknown>;
    expect(info('llama3.1:8b')).toMatchObject({ 'general.architecture': 'llama', 'general.parameter_count': 8_030_261_248, 'llama.block_count': 32, 'llama.attention.head_count': 32, 'llama.attention.head_count_kv': 8, 'llama.embedding_length': 4096, 'llama.context_length': 131072, 'llama.feed_forward_length': 14336, 'llama.vocab_size': 128256 });
    expect(info('llama3.1:70b')).toMatchObject({ 'llama.block_count': 80, 'llama.attention.head_count': 64, 'llama.attention.head_count_kv': 8, 'llama.embedding_length': 8192 });
    expect(info('qwen2.5:7b')).toMatchObject({ 'general.architecture': 'qwen2', 'qwen2.block_count': 28, 'qwen2.attention.head_count_kv': 4 });
    expect(info('gemma2:9b')).toMatchObject({ 'gemma2.attention.key_length': 256 });
    // Keys sorted, as Go's encoding/json writes a map.
    const keys = Object.keys(info('mistral:7b'));
    expect(keys).toEqual([...keys].sort());
  });

  it('has layers with the weights first and most of the size', () => {
    for (const m of LIBRARY) {
      expect(m.layers[0]?.mediaType).toBe(MEDIA_TYPES.model);
      expect(m.layers.map((l) => l.mediaType)).toContain(MEDIA_TYPES.template);
      expect(m.layers.map((l) => l.mediaType)).toContain(MEDIA_TYPES.license);
      expect(m.layers.reduce((s, l) => s + l.size, 0)).toBe(m.size);
      expect((m.layers[0]?.size as number) / m.size).toBeGreaterThan(0.999);
      expect(m.digest).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(new Set(LIBRARY.map((m) => m.digest)).size).toBe(LIBRARY.length);
  });

  it('computes the KV cache as REFERENCE.md does', () => {
    const perToken = (n: string) => kvCacheBytes(findLibraryModel(n) as NonNullable<ReturnType<typeof findLibraryModel>>, 1);
    expect(perToken('llama3.1:8b')).toBe(128 * 1024);
    expect(perToken('llama3.1:70b')).toBe(320 * 1024);
    expect(perToken('llama3.1:8b') * 4096).toBe(512 * 1024 * 1024);
  });

  it('formats parameter sizes like Ollama', () => {
    expect(humanNumber(8_030_261_248)).toBe('8.0B');
    expect(humanNumber(494_032_768)).toBe('494.03M');
    expect(humanNumber(70_000_000_000)).toBe('70B');
    expect(findLibraryModel('llama3.1:70b')?.details.parameter_size).toBe('70.6B');
  });
});

describe('model names', () => {
  it('fills defaults and shows the shortest form', () => {
    expect(displayShortest(parseModelName('llama3.2') as NonNullable<ReturnType<typeof parseModelName>>)).toBe('llama3.2:latest');
    expect(displayShortest(parseModelName('user/model:tag') as NonNullable<ReturnType<typeof parseModelName>>)).toBe('user/model:tag');
    expect(displayShortest(parseModelName('example.com/ns/m:1') as NonNullable<ReturnType<typeof parseModelName>>)).toBe('example.com/ns/m:1');
    expect(parseModelName('registry.ollama.ai/library/llama3.1:8b')).toEqual({ host: 'registry.ollama.ai', namespace: 'library', model: 'llama3.1', tag: '8b' });
  });

  it('rejects what Ollama rejects', () => {
    for (const bad of ['', 'bad name', 'a:', ':tag', 'ns/', '-model', 'a/b.c/d', 'x'.repeat(81)]) expect(parseModelName(bad), bad).toBeNull();
  });
});
