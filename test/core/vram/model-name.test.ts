// Model names compared as Ollama compares them.
import { describe, expect, it } from 'vitest';
import { canonicalModelName } from '../../../main/core/vram/model-name.ts';

describe('canonicalModelName', () => {
  it('gives the default tag, drops the library namespace and ignores case', () => {
    expect(canonicalModelName('llama3.1')).toBe('llama3.1:latest');
    expect(canonicalModelName('Library/Llama3.1:8B')).toBe('llama3.1:8b');
    expect(canonicalModelName(' qwen2.5:7b ')).toBe('qwen2.5:7b');
  });

  it('keeps what tells models apart: namespace, host, tag', () => {
    expect(canonicalModelName('someone/llama3.1:8b')).toBe('someone/llama3.1:8b');
    expect(canonicalModelName('registry.example:5000/team/coder')).toBe('registry.example:5000/team/coder:latest');
    expect(canonicalModelName('llama3.1:70b')).not.toBe(canonicalModelName('llama3.1:8b'));
  });
});
