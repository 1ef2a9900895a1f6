// Prompt templates, stop parameters and license heads per prompt style, in the shape
// `ollama show` prints them (abridged: the real templates also handle tools and messages).
import type { PromptStyle } from './library-data.ts';

export interface StyleText {
  template: string;
  stops: string[];
}

export const STYLES: Record<PromptStyle, StyleText> = {
  llama3: {
    template:
      '{{ if .System }}<|start_header_id|>system<|end_header_id|>\n\n{{ .System }}<|eot_id|>{{ end }}{{ if .Prompt }}<|start_header_id|>user<|end_header_id|>\n\n{{ .Prompt }}<|eot_id|>{{ end }}<|start_header_id|>assistant<|end_header_id|>\n\n{{ .Response }}<|eot_id|>',
    stops: ['<|start_header_id|>', '<|end_header_id|>', '<|eot_id|>'],
  },
  chatml: {
    template: '{{- if .System }}<|im_start|>system\n{{ .System }}<|im_end|>\n{{ end }}<|im_start|>user\n{{ .Prompt }}<|im_end|>\n<|im_start|>assistant\n{{ .Response }}<|im_end|>',
    stops: ['<|im_start|>', '<|im_end|>'],
  },
  gemma: {
    template: '<start_of_turn>user\n{{ if .System }}{{ .System }} {{ end }}{{ .Prompt }}<end_of_turn>\n<start_of_turn>model\n{{ .Response }}<end_of_turn>\n',
    stops: ['<end_of_turn>'],
  },
  mistral: { template: '[INST] {{ if .System }}{{ .System }} {{ end }}{{ .Prompt }} [/INST]', stops: ['[INST]', '[/INST]'] },
  phi3: {
    template: '{{ if .System }}<|system|>\n{{ .System }}<|end|>\n{{ end }}{{ if .Prompt }}<|user|>\n{{ .Prompt }}<|end|>\n{{ end }}<|assistant|>\n{{ .Response }}<|end|>',
    stops: ['<|end|>', '<|user|>', '<|assistant|>'],
  },
  llama2: { template: '[INST] <<SYS>>{{ .System }}<</SYS>>\n\n{{ .Prompt }} [/INST]\n', stops: ['[INST]', '[/INST]', '<<SYS>>', '<</SYS>>'] },
  'deepseek-r1': { template: '{{- if .System }}{{ .System }}{{ end }}<｜User｜>{{ .Prompt }}<｜Assistant｜>', stops: ['<｜begin▁of▁sentence｜>', '<｜end▁of▁sentence｜>', '<｜User｜>', '<｜Assistant｜>'] },
  'deepseek-coder': { template: '{{ .System }}\n### Instruction:\n{{ .Prompt }}\n### Response:\n', stops: ['### Instruction:', '### Response:'] },
  phi2: { template: '{{ if .System }}System: {{ .System }}{{ end }}\nUser: {{ .Prompt }}\nAssistant:', stops: ['User:', 'Assistant:', 'System:'] },
  zephyr: { template: '<|system|>\n{{ .System }}</s>\n<|user|>\n{{ .Prompt }}</s>\n<|assistant|>\n', stops: ['<|system|>', '<|user|>', '<|assistant|>', '</s>'] },
  embedding: { template: '{{ .Prompt }}', stops: [] },
};

export const LICENSE_HEADS: Record<string, string> = {
  'llama3.1': 'LLAMA 3.1 COMMUNITY LICENSE AGREEMENT\nLlama 3.1 Version Release Date: July 23, 2024',
  'llama3.2': 'LLAMA 3.2 COMMUNITY LICENSE AGREEMENT\nLlama 3.2 Version Release Date: September 25, 2024',
  'llama3.3': 'LLAMA 3.3 COMMUNITY LICENSE AGREEMENT\nLlama 3.3 Version Release Date: December 6, 2024',
  llama2: 'LLAMA 2 COMMUNITY LICENSE AGREEMENT\nLlama 2 Version Release Date: July 18, 2023',
  gemma: 'Gemma Terms of Use\n\nLast modified: February 21, 2024',
  apache: 'Apache License\nVersion 2.0, January 2004\nhttp://www.apache.org/licenses/',
  mit: 'MIT License\n\nCopyright (c) Microsoft Corporation.',
  qwen: 'Qwen LICENSE AGREEMENT\n\nQwen LICENSE AGREEMENT Release Date: September 19, 2024',
  deepseek: 'DEEPSEEK LICENSE AGREEMENT\n\nVersion 1.0, 23 October 2023',
};

/** `ollama show --parameters` text: one `key  value` line per parameter, key padded to 30. */
export function parametersText(stops: string[]): string {
  return stops.map((s) => `${'stop'.padEnd(30)} ${JSON.stringify(s)}`).join('\n');
}
