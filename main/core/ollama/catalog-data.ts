// The curated catalogue: the seed's fallback list brought up to date. Sizes are the download
// sizes Ollama's README and library pages give (GB, 1e9 bytes); the registry, when it
// answers, replaces them with the sum of the manifest's layers.

export interface CuratedModel {
  name: string;
  description: string;
  size_gb: number;
}

export const CURATED_MODELS: CuratedModel[] = [
  { name: 'llama3.2:1b', description: 'Meta Llama 3.2 1B: small, fast general model', size_gb: 1.3 },
  { name: 'llama3.2:3b', description: 'Meta Llama 3.2 3B: small general model', size_gb: 2.0 },
  { name: 'llama3.1:8b', description: 'Meta Llama 3.1 8B: general model, 128k context', size_gb: 4.9 },
  { name: 'llama3.1:70b', description: 'Meta Llama 3.1 70B: large general model', size_gb: 43 },
  { name: 'llama3.3:70b', description: 'Meta Llama 3.3 70B: large general model', size_gb: 43 },
  { name: 'qwen2.5:0.5b', description: 'Qwen 2.5 0.5B: tiny multilingual model', size_gb: 0.4 },
  { name: 'qwen2.5:1.5b', description: 'Qwen 2.5 1.5B: small multilingual model', size_gb: 0.99 },
  { name: 'qwen2.5:3b', description: 'Qwen 2.5 3B: small multilingual model', size_gb: 1.9 },
  { name: 'qwen2.5:7b', description: 'Qwen 2.5 7B: multilingual general model', size_gb: 4.7 },
  { name: 'qwen2.5:14b', description: 'Qwen 2.5 14B: multilingual general model', size_gb: 9.0 },
  { name: 'qwen2.5:32b', description: 'Qwen 2.5 32B: multilingual general model', size_gb: 20 },
  { name: 'qwen2.5:72b', description: 'Qwen 2.5 72B: large multilingual model', size_gb: 47 },
  { name: 'qwen2.5-coder:1.5b', description: 'Qwen 2.5 Coder 1.5B: code completion', size_gb: 0.99 },
  { name: 'qwen2.5-coder:7b', description: 'Qwen 2.5 Coder 7B: code generation and repair', size_gb: 4.7 },
  { name: 'qwen2.5-coder:14b', description: 'Qwen 2.5 Coder 14B: code generation and repair', size_gb: 9.0 },
  { name: 'qwen2.5-coder:32b', description: 'Qwen 2.5 Coder 32B: strongest open Qwen coder', size_gb: 20 },
  { name: 'deepseek-r1:1.5b', description: 'DeepSeek-R1 distilled 1.5B: reasoning', size_gb: 1.1 },
  { name: 'deepseek-r1:7b', description: 'DeepSeek-R1 distilled 7B (Qwen): reasoning', size_gb: 4.7 },
  { name: 'deepseek-r1:8b', description: 'DeepSeek-R1 distilled 8B (Llama): reasoning', size_gb: 4.9 },
  { name: 'deepseek-r1:14b', description: 'DeepSeek-R1 distilled 14B: reasoning', size_gb: 9.0 },
  { name: 'deepseek-r1:32b', description: 'DeepSeek-R1 distilled 32B: reasoning', size_gb: 20 },
  { name: 'deepseek-r1:70b', description: 'DeepSeek-R1 distilled 70B: reasoning', size_gb: 43 },
  { name: 'gemma3:1b', description: 'Google Gemma 3 1B: small text model', size_gb: 0.82 },
  { name: 'gemma3:4b', description: 'Google Gemma 3 4B: text and images', size_gb: 3.3 },
  { name: 'gemma3:12b', description: 'Google Gemma 3 12B: text and images', size_gb: 8.1 },
  { name: 'gemma3:27b', description: 'Google Gemma 3 27B: text and images', size_gb: 17 },
  { name: 'gemma2:9b', description: 'Google Gemma 2 9B', size_gb: 5.5 },
  { name: 'mistral:7b', description: 'Mistral 7B: general model', size_gb: 4.1 },
  { name: 'phi3:mini', description: 'Microsoft Phi-3 Mini 3.8B', size_gb: 2.3 },
  { name: 'phi3:medium', description: 'Microsoft Phi-3 Medium 14B', size_gb: 7.9 },
  { name: 'phi4:14b', description: 'Microsoft Phi-4 14B: reasoning and code', size_gb: 9.1 },
  { name: 'qwq:32b', description: 'QwQ 32B: reasoning', size_gb: 20 },
  { name: 'codellama:7b', description: 'Code Llama 7B: code generation', size_gb: 3.8 },
  { name: 'codellama:7b-instruct', description: 'Code Llama 7B Instruct: code chat', size_gb: 3.8 },
  { name: 'codellama:13b', description: 'Code Llama 13B: code generation', size_gb: 7.4 },
  { name: 'deepseek-coder:1.3b', description: 'DeepSeek Coder 1.3B: code completion', size_gb: 0.78 },
  { name: 'deepseek-coder:6.7b', description: 'DeepSeek Coder 6.7B: code generation', size_gb: 3.8 },
  { name: 'llama2:7b', description: 'Meta Llama 2 7B (the seed\'s default)', size_gb: 3.8 },
  { name: 'phi:2.7b', description: 'Microsoft Phi-2 2.7B: small model', size_gb: 1.6 },
  { name: 'tinyllama:1.1b', description: 'TinyLlama 1.1B: the smallest chat model', size_gb: 0.64 },
];
