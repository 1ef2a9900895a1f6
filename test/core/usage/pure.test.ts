// The ConfigMap document, the ranking and the journal's reading of a torn tail.
import { describe, expect, it } from 'vitest';
import { decodeDoc, encodeDoc } from '../../../main/core/usage/doc.ts';
import { parseJournal } from '../../../main/core/usage/journal.ts';
import { rank } from '../../../main/core/usage/ranking.ts';
import { journalRoot } from '../../../main/core/usage/slot.ts';

describe('usage pieces', () => {
  it('reads the seed formats and writes one readable map', () => {
    expect(decodeDoc({ usage_stats: '{"llama2:7b":3,"bad":-1,"x":"y"}' }).counts).toEqual({ 'llama2:7b': 3 });
    expect(decodeDoc({ mistral: '4' }).counts).toEqual({ mistral: 4 });
    expect(decodeDoc(undefined)).toEqual({ counts: {}, applied: {}, resetAt: 0 });
    const doc = { counts: { b: 2, a: 1, z: 0 }, applied: { i1: 7 }, resetAt: 5 };
    const data = encodeDoc(doc);
    expect(data).toEqual({ 'usage.json': '{"a":1,"b":2}', 'applied.json': '{"i1":7}', reset_at: '5' });
    // Our own keys win over anything else left in the map.
    expect(decodeDoc({ ...data, usage_stats: '{"a":100}' })).toEqual({ counts: { a: 1, b: 2 }, applied: { i1: 7 }, resetAt: 5 });
  });

  it('ranks most used first with one-decimal percentages', () => {
    expect(rank({ a: 1, b: 2, c: 0 })).toEqual({
      total_requests: 3,
      models: [
        { rank: 1, model: 'b', count: 2, usage_percent: 66.7 },
        { rank: 2, model: 'a', count: 1, usage_percent: 33.3 },
      ],
    });
    expect(rank({})).toEqual({ total_requests: 0, models: [] });
  });

  it('reads a journal up to its last whole line', () => {
    const text = '{"applied":3}\n{"seq":3,"model":"a","t":1}\n{"seq":4,"model":"a","t":1}\n{"seq":5,"mo';
    const j = parseJournal(text);
    expect(j.applied).toBe(3);
    expect(j.entries).toEqual([{ seq: 4, model: 'a', t: 1 }]);
    expect(j.validLength).toBe(text.lastIndexOf('\n') + 1);
  });
});

describe('journalRoot', () => {
  it('gives each cluster and namespace its own journal, so no increment is flushed into another ConfigMap', () => {
    const a = journalRoot('/state', 'https://prod.example:6443', 'model-hosting');
    expect(journalRoot('/state', 'https://prod.example:6443', 'model-hosting')).toBe(a);
    expect(journalRoot('/state', 'https://127.0.0.1:40000', 'model-hosting')).not.toBe(a);
    expect(journalRoot('/state', 'https://prod.example:6443', 'team-a')).not.toBe(a);
    expect(a.startsWith('/state/usage/model-hosting-')).toBe(true);
  });
});
