// The small pure pieces: OLLAMA_HOST forms, NDJSON split across chunks, pull keys, error bodies.
import { describe, expect, it } from 'vitest';
import { errorMessage, ollamaHttpError } from '../../../main/core/ollama/errors.ts';
import { ndjson } from '../../../main/core/ollama/ndjson.ts';
import { pullKey } from '../../../main/core/ollama/pulls.ts';
import { normaliseOllamaHost } from '../../../main/core/ollama/route.ts';
import { toResult } from '../../../main/core/ollama/generate.ts';

describe('Ollama pieces', () => {
  it('reads OLLAMA_HOST the way Ollama does', () => {
    expect(normaliseOllamaHost('0.0.0.0')).toBe('http://127.0.0.1:11434');
    expect(normaliseOllamaHost('10.0.0.5:8080')).toBe('http://10.0.0.5:8080');
    expect(normaliseOllamaHost('http://ollama.example:11434/')).toBe('http://ollama.example:11434');
    expect(normaliseOllamaHost('https://ollama.example')).toBe('https://ollama.example');
    expect(normaliseOllamaHost('  ')).toBeNull();
    expect(normaliseOllamaHost('http://[bad')).toBeNull();
  });

  it('parses NDJSON whatever the chunk boundaries, skipping lines that are not objects', async () => {
    async function* chunks() {
      yield Buffer.from('{"status":"pull');
      yield Buffer.from('ing manifest"}\n{"a":1}\nnot json\n[1]\n{"status":"su');
      yield Buffer.from('ccess"}');
    }
    const out: unknown[] = [];
    for await (const o of ndjson(chunks())) out.push(o);
    expect(out).toEqual([{ status: 'pulling manifest' }, { a: 1 }, { status: 'success' }]);
  });

  it('treats a name with and without :latest, in any case, as one pull', () => {
    expect(pullKey('Llama3.2')).toBe(pullKey('llama3.2:latest'));
    // Ollama's own library namespace is the default one: the same model, so the same pull.
    expect(pullKey('library/llama3.2:1b')).toBe(pullKey('llama3.2:1b'));
    expect(pullKey('host:5000/ns/model')).toBe('host:5000/ns/model:latest');
    expect(pullKey('llama3.2:1b')).not.toBe(pullKey('llama3.2:3b'));
  });

  it("keeps Ollama's status and message where they mean something", () => {
    expect(errorMessage('{"error":"model \'x\' not found"}', 404)).toBe("model 'x' not found");
    expect(errorMessage('{"kind":"Status","message":"no endpoints available"}', 503)).toBe('no endpoints available');
    expect(errorMessage('', 500)).toBe('HTTP 500');
    expect(ollamaHttpError(404, '{"error":"gone"}', 'x')).toMatchObject({ status: 404, message: 'gone' });
    expect(ollamaHttpError(400, '{"error":"invalid model name"}', 'x').status).toBe(400);
    expect(ollamaHttpError(503, '{"error":"server busy"}', 'x').status).toBe(503);
    expect(ollamaHttpError(500, '{"error":"boom"}', 'pull x')).toMatchObject({ status: 502, message: 'Ollama failed to pull x: boom' });
  });

  it('computes tokens per second from eval_count and eval_duration (ns)', () => {
    const r = toResult('m', 'hi', { eval_count: 259, eval_duration: 4_232_710_000, total_duration: 10_706_818_083, load_duration: 6_338_219_291, prompt_eval_count: 26, done_reason: 'stop' });
    expect(r.metrics).toEqual({ total_duration_ms: 10706.82, load_duration_ms: 6338.22, prompt_eval_count: 26, eval_count: 259, eval_duration_ms: 4232.71, tokens_per_second: 61.19 });
    expect(toResult('m', '', { eval_count: 0, eval_duration: 0 }).metrics.tokens_per_second).toBeNull();
  });
});
