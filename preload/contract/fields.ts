// Validators for the values that reach Kubernetes or Ollama; nothing unchecked goes out.
import { z } from 'zod';

// Ollama's name grammar (ollama/ollama types/model/name.go, ParseNameBare and isValidPart):
// [[host/]namespace/]model[:tag]; every part starts with a letter, digit or "_"; the host may
// hold "." and ":" (a port), the namespace neither, model and tag ".".
const HOST = '[A-Za-z0-9_][A-Za-z0-9_.:-]{0,349}';
const NAMESPACE = '[A-Za-z0-9_][A-Za-z0-9_-]{0,79}';
const PART = '[A-Za-z0-9_][A-Za-z0-9_.-]{0,79}';
const OLLAMA_NAME = new RegExp(`^(?:(?:${HOST}/)?${NAMESPACE}/)?${PART}(?::${PART})?$`);

export const modelName = z
  .string({ error: 'must be a string' })
  .trim()
  .min(1, 'is required')
  .max(600, 'is too long')
  .regex(OLLAMA_NAME, 'must be an Ollama model name such as llama3.1:8b or namespace/model:tag (letters, digits, "_", "-", "." and no "." in the namespace)');

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

/**
 * Memory in GiB as the seed sends it: a number (8) or a decimal string ("8", "7.5"); bounded to
 * what a node can hold. Not true, "0x10", "1e3" or "" (JavaScript would read them as 1, 16, 1000, 0).
 */
export const memoryGb = z
  .union([z.number(), z.string().trim().regex(/^\d{1,5}(\.\d{1,3})?$/, 'must be a number of GiB, such as 8 or "8"')], { error: 'must be a number of GiB, such as 8 or "8"' })
  .transform(Number)
  .pipe(
    z
      .number()
      .refine(Number.isFinite, 'must be a number of GiB')
      .positive('must be a positive number of GiB')
      .max(2048, 'must be at most 2048 GiB'),
  );

// A container image reference as the registry grammar defines it (distribution/reference:
// [domain[:port]/]path[:tag][@digest]), so the kubelet never gets one it would refuse.
const DOMAIN_PART = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_PART}(?:\\.${DOMAIN_PART})*(?::[0-9]+)?)`;
const PATH_PART = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const IMAGE = new RegExp(`^(?:${DOMAIN}/)?${PATH_PART}(?:/${PATH_PART})*(?::[\\w][\\w.-]{0,127})?(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$`);

export const imageReference = z
  .string({ error: 'must be a string' })
  .trim()
  .min(1, 'is required')
  .max(512, 'is too long')
  .regex(IMAGE, 'must be an image reference such as ollama/ollama:0.13.5 or registry.example.com:5000/team/ollama@sha256:<digest>');

// Extra keys are dropped, not refused: the seed's clients send what they like (cache-busters, tokens).
export const empty = z.object({});
