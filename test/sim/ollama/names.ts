// Model names parsed and validated the way Ollama 0.12 does (types/model/name.go):
// [host/][namespace/]model[:tag], defaults registry.ollama.ai / library / latest.

export interface ModelName {
  host: string;
  namespace: string;
  model: string;
  tag: string;
}

const MISSING = '!MISSING!';
const DEFAULT_HOST = 'registry.ollama.ai';
const DEFAULT_NAMESPACE = 'library';
const DEFAULT_TAG = 'latest';

type PartKind = 'host' | 'namespace' | 'model' | 'tag';

// Splits at the last separator; an empty side of a present separator becomes MISSING so it fails validation.
function cutPromised(s: string, sep: string): [before: string, after: string, promised: boolean] {
  const i = s.lastIndexOf(sep);
  if (i < 0) return [s, '', false];
  return [s.slice(0, i) || MISSING, s.slice(i + sep.length) || MISSING, true];
}

function parseBare(input: string): ModelName {
  const n: ModelName = { host: '', namespace: '', model: '', tag: '' };
  let s = input;
  if (s.lastIndexOf(':') > s.lastIndexOf('/')) [s, n.tag] = cutPromised(s, ':');
  let promised: boolean;
  [s, n.model, promised] = cutPromised(s, '/');
  if (!promised) {
    n.model = s;
    return n;
  }
  [s, n.namespace, promised] = cutPromised(s, '/');
  if (!promised) {
    n.namespace = s;
    return n;
  }
  const scheme = s.indexOf('://');
  n.host = scheme >= 0 ? s.slice(scheme + 3) : s;
  return n;
}

function isAlnumUnderscore(c: string): boolean {
  return /[A-Za-z0-9_]/.test(c);
}

function isValidPart(kind: PartKind, s: string): boolean {
  const max = kind === 'host' ? 350 : 80;
  if (s.length < 1 || s.length > max) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (i === 0) {
      if (!isAlnumUnderscore(c)) return false;
      continue;
    }
    if (c === '_' || c === '-') continue;
    if (c === '.') {
      if (kind === 'namespace') return false;
      continue;
    }
    if (c === ':') {
      if (kind !== 'host') return false;
      continue;
    }
    if (!isAlnumUnderscore(c)) return false;
  }
  return true;
}

/** Parses and fills defaults; null when Ollama would call the name invalid. */
export function parseModelName(input: string): ModelName | null {
  const bare = parseBare(input);
  const n: ModelName = {
    host: bare.host || DEFAULT_HOST,
    namespace: bare.namespace || DEFAULT_NAMESPACE,
    model: bare.model,
    tag: bare.tag || DEFAULT_TAG,
  };
  const ok =
    isValidPart('host', n.host) && isValidPart('namespace', n.namespace) && isValidPart('model', n.model) && isValidPart('tag', n.tag);
  return ok ? n : null;
}

/** What /api/tags and /api/ps show: host and namespace dropped when default, tag always kept. */
export function displayShortest(n: ModelName): string {
  let prefix = '';
  if (n.host.toLowerCase() !== DEFAULT_HOST) prefix = `${n.host}/${n.namespace}/`;
  else if (n.namespace.toLowerCase() !== DEFAULT_NAMESPACE) prefix = `${n.namespace}/`;
  return `${prefix}${n.model}:${n.tag}`;
}

/** Case-insensitive identity, as Ollama matches existing manifests with EqualFold. */
export function nameKey(n: ModelName): string {
  return `${n.host}/${n.namespace}/${n.model}:${n.tag}`.toLowerCase();
}
