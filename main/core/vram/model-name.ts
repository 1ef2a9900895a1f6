// An Ollama model name split into its parts, and the parameter count a tag names.

export interface ParsedModelName {
  host: string | null;
  namespace: string | null;
  /** The model part without namespace or tag, e.g. "llama3.1". */
  family: string;
  tag: string;
}

/** `[host/][namespace/]model[:tag]`; the tag defaults to "latest" as Ollama does. */
export function parseModelName(name: string): ParsedModelName {
  let rest = name.trim();
  let tag = 'latest';
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1) || 'latest';
    rest = rest.slice(0, colon);
  }
  const parts = rest.split('/');
  const family = parts.pop() ?? rest;
  const namespace = parts.pop() ?? null;
  const host = parts.length ? parts.join('/') : null;
  return { host, namespace: namespace === 'library' ? null : namespace, family: family.toLowerCase(), tag: tag.toLowerCase() };
}

/** One spelling per model, as Ollama compares names: "Library/Llama3.1" and "llama3.1:latest" are the same. */
export function canonicalModelName(name: string): string {
  const { host, namespace, family, tag } = parseModelName(name.toLowerCase());
  return [host, namespace, `${family}:${tag}`].filter(Boolean).join('/');
}

/** Mixture-of-experts totals are below experts × size: attention is shared (mixtral 8x7b is 46.7B, 8x22b 141B). */
const MOE_SHARE = 0.82;

/**
 * Parameters a name states: "70b", "1.5b", "500m", "8x7b" in the tag, else in the model part
 * ("llama-3-8b"). Null when none is stated.
 */
export function paramsFromName(family: string, tag: string): number | null {
  for (const text of [tag, family]) {
    const moe = /(?:^|[^a-z0-9.])(\d+)x(\d+(?:\.\d+)?)([bm])(?=$|[^a-z0-9])/i.exec(text);
    if (moe) return Number(moe[1]) * Number(moe[2]) * unit(moe[3]!) * MOE_SHARE;
    const plain = [...text.matchAll(/(?:^|[^a-z0-9.])(\d+(?:\.\d+)?)([bm])(?=$|[^a-z0-9])/gi)].pop();
    if (plain) return Number(plain[1]) * unit(plain[2]!);
  }
  return null;
}

const unit = (u: string) => (u.toLowerCase() === 'b' ? 1e9 : 1e6);
