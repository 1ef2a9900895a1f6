// Lists: selectors, key order, limit/continue with an opaque token that expires (410)
// once the history it was taken at has been compacted.
import type { Entry, Store } from './store.ts';
import type { ResourceInfo } from './resources.ts';
import { apiVersionOf } from './resources.ts';
import type { Matcher } from './selectors.ts';
import { errors } from './status.ts';

interface ContinueToken {
  v: string;
  rv: number;
  start: string;
}

function encodeContinue(rv: number, lastKey: string): string {
  const t: ContinueToken = { v: 'meta.k8s.io/v1', rv, start: lastKey + '\u0000' };
  return Buffer.from(JSON.stringify(t)).toString('base64url');
}

function decodeContinue(s: string): ContinueToken {
  try {
    const t = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as ContinueToken;
    if (t.v !== 'meta.k8s.io/v1' || typeof t.rv !== 'number' || typeof t.start !== 'string') throw new Error('bad');
    return t;
  } catch {
    throw errors.badRequest(`continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)`);
  }
}

const expiredMessage =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

export interface ListOptions {
  namespace?: string;
  match?: Matcher;
  limit?: number;
  continueToken?: string;
  forceGone?: boolean;
}

export interface ListPage {
  entries: Entry[];
  /** The list's metadata: resourceVersion, and continue / remainingItemCount when a limit cut it short. */
  meta: Record<string, unknown>;
}

/** One page of a list: selectors, limit and continue applied as the real server does. */
export function listPage(store: Store, r: ResourceInfo, o: ListOptions): ListPage {
  let after: string | undefined;
  let rv = store.resourceVersion;
  if (o.continueToken) {
    const t = decodeContinue(o.continueToken);
    if (o.forceGone || t.rv < store.compactedRv) throw errors.gone(expiredMessage);
    after = t.start.replace(/\u0000$/, '');
    rv = t.rv;
  }
  const entries: Entry[] = [];
  const limit = o.limit && o.limit > 0 ? o.limit : Infinity;
  let cont = '';
  let lastKey = '';
  let full = false;
  const left = store.scan(r, o.namespace, after, (e) => {
    if (o.match && !o.match(e.obj)) return true;
    if (entries.length >= limit) {
      full = true;
      return false;
    }
    entries.push(e);
    lastKey = store.keyFor(e.obj, r);
    return true;
  });
  let remaining: number | undefined;
  if (full) {
    cont = encodeContinue(rv, lastKey);
    if (!o.match) remaining = left + 1;
  }
  const meta: Record<string, unknown> = { resourceVersion: String(rv) };
  if (cont) meta.continue = cont;
  if (remaining !== undefined) meta.remainingItemCount = remaining;
  return { entries, meta };
}

/** The list as JSON text: items are the stored serializations joined, so 20k pods cost little. */
export function listJson(store: Store, r: ResourceInfo, o: ListOptions): string {
  const { entries, meta } = listPage(store, r, o);
  return `{"kind":"${r.kind}List","apiVersion":"${apiVersionOf(r)}","metadata":${JSON.stringify(meta)},"items":[${entries.map((e) => e.json).join(',')}]}`;
}
