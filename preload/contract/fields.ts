// Validators for the values that reach Kubernetes or Ollama; nothing unchecked goes out.
import { z } from 'zod';

const part = '[a-zA-Z0-9_][a-zA-Z0-9_.-]{0,79}';
// Ollama's name form: [host[:port]/][namespace/]model[:tag]
const OLLAMA_NAME = new RegExp(`^(?:[a-zA-Z0-9][a-zA-Z0-9.-]*(?::\\d{1,5})?/)?(?:${part}/)?${part}(?::${part})?$`);

export const modelName = z
  .string({ error: 'must be a string' })
  .trim()
  .min(1, 'is required')
  .max(250, 'is too long')
  .regex(OLLAMA_NAME, 'must be an Ollama model name such as llama3.1:8b or namespace/model:tag');

/** Whether a name has Ollama's form (then it is canonicalised before it is counted). */
export const isOllamaName = (name: string): boolean => OLLAMA_NAME.test(name);

/**
 * A model name given to /api/usage/track, which exists for models used outside the app
 * ("Llama 2 7B", "claude-3.5-sonnet@20240620"): any printable text up to 253 characters.
 * Counts are kept as JSON, so nothing else needs refusing.
 */
export const usageModelName = z
  .string({ error: 'must be a string' })
  .trim()
  .min(1, 'is required')
  .max(253, 'must be at most 253 characters')
  .regex(/^[^\p{C}]+$/u, 'must be printable text (no control or format characters)');

/** `https://dash.example.com` as browsers send it in Origin (scheme, host, port); null when `text` is not one. */
export function normalizeOrigin(text: string): string | null {
  if (!/^https?:\/\/[^/?#@\s]+\/?$/i.test(text)) return null;
  try {
    return new URL(text).origin;
  } catch {
    return null;
  }
}

/** A page origin allowed to call the REST API cross-origin (never `*`). */
export const pageOrigin = z
  .string({ error: 'must be a string' })
  .trim()
  .transform((text, ctx) => {
    const origin = normalizeOrigin(text);
    if (!origin) ctx.addIssue({ code: 'custom', message: `"${text.slice(0, 100)}" is not an origin such as https://dash.example.com (scheme, host and port only)` });
    return origin ?? '';
  });

export const dns1123Label = z
  .string({ error: 'must be a string' })
  .trim()
  .min(1, 'is required')
  .max(63, 'must be at most 63 characters')
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a DNS-1123 label: lower-case letters, digits and "-", starting and ending with a letter or digit');

/** Memory in GB as the seed sends it ("8" or 8); bounded to what a GPU node can hold. */
export const memoryGb = z.coerce
  .number({ error: 'must be a number of GB' })
  .refine(Number.isFinite, 'must be a number of GB')
  .positive('must be a positive number of GB')
  .max(2048, 'must be at most 2048 GB');

// Extra keys are dropped, not refused: the seed's clients send what they like (cache-busters, tokens).
export const empty = z.object({});
