// Who may talk to the embedded server: the token (bearer or session cookie), the Host
// header (DNS-rebinding protection) and the Origin of state-changing requests (CSRF).
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { Sessions } from './sessions.ts';

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]']);
const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]']);
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface HostPolicy {
  /** The host the server was bound to ('127.0.0.1' unless told otherwise). */
  boundHost: string;
  /** More Host names to accept (e.g. the name a reverse proxy or a pod's Service uses). */
  allowedHosts?: string[];
}

/** Host header as [name, port]; IPv6 keeps its brackets. */
export function splitHost(header: string): [string, string | null] {
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(header.trim().toLowerCase());
  return m ? [m[1]!, m[2] ?? null] : ['', null];
}

const bracketed = (host: string) => (isIP(host) === 6 ? `[${host}]` : host.toLowerCase());

/**
 * A browser tricked by DNS rebinding sends the attacker's name as Host; loopback names, the
 * bound host and configured names are the only ones this server answers to. Bound to a
 * wildcard address, IP literals are accepted too: no rebinding can put one in Host, and
 * probes and clients that reach a pod by its IP send one.
 */
export function hostAllowed(header: string | undefined, policy: HostPolicy): boolean {
  if (!header) return false;
  // The port is not checked: through `kubectl port-forward` or a tunnel it is the local one.
  const [name] = splitHost(header);
  if (!name) return false;
  if (LOOPBACK_NAMES.has(name)) return true;
  const bound = bracketed(policy.boundHost);
  if (WILDCARD_HOSTS.has(bound)) {
    if (isIP(name.replace(/^\[|\]$/g, ''))) return true;
  } else if (name === bound) {
    return true;
  }
  return (policy.allowedHosts ?? []).some((h) => bracketed(h) === name);
}

/** State-changing requests must come from this server's own pages (or from no page at all). */
export function originAllowed(req: IncomingMessage): boolean {
  if (!STATE_CHANGING.has(req.method ?? '')) return true;
  const origin = req.headers.origin;
  if (origin === undefined) return true; // curl, scripts: no browser, no CSRF
  return origin.toLowerCase() === `http://${String(req.headers.host ?? '').toLowerCase()}`;
}

/** How a request presents itself: a valid credential, none at all, or a wrong one (counted against its address). */
export type Credentials = 'ok' | 'none' | 'wrong';

export class TokenCheck {
  #token: Buffer;
  #sessions = new Sessions();
  readonly cookieName: string;

  constructor(token: string, port: number) {
    if (!token) throw new Error('the REST token is empty');
    this.#token = Buffer.from(token);
    // Cookies ignore ports: one name per port keeps two local servers from clobbering each other.
    this.cookieName = `kmm_session_${port}`;
  }

  get sessions(): Sessions {
    return this.#sessions;
  }

  /** A rotated token: the old one opens nothing from now on, and neither do the sessions it opened. */
  useToken(token: string): void {
    if (!token || safeEqual(Buffer.from(token), this.#token)) return;
    this.#token = Buffer.from(token);
    this.#sessions = new Sessions();
  }

  tokenMatches(candidate: string | null | undefined): boolean {
    return typeof candidate === 'string' && safeEqual(Buffer.from(candidate), this.#token);
  }

  /** Bearer header or session cookie. A stale cookie (a restarted server) is no credential, not a wrong one. */
  check(req: IncomingMessage): Credentials {
    const auth = req.headers.authorization;
    if (auth) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
      return m && this.tokenMatches(m[1]) ? 'ok' : 'wrong';
    }
    return this.sessions.valid(parseCookies(req.headers.cookie)[this.cookieName]) ? 'ok' : 'none';
  }

  authorized(req: IncomingMessage): boolean {
    return this.check(req) === 'ok';
  }

  /** A new session for this browser, as its Set-Cookie header. */
  sessionCookie(): string {
    return `${this.cookieName}=${this.sessions.open()}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${this.sessions.maxAgeSeconds}`;
  }
}

/**
 * A token guessable enough that serving it beyond loopback would be reckless: shorter than
 * 24 characters or made of fewer than 10 different ones (the generated token has 32).
 */
export function weakToken(token: string): boolean {
  return token.length < 24 || new Set(token).size < 10;
}

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_NAMES.has(bracketed(host)) || /^127\./.test(host) || host === '::1';
}

/** Where a login redirects: a path on this server, never `//other.host` (an open redirect). */
export function samePathOnly(pathname: string): string {
  return `/${pathname.replace(/^[/\\]+/, '')}`;
}

/** Constant time for equal lengths; the length alone says nothing useful about a random token. */
function safeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return out;
}

/** Headers of every response from this server; the UI's pages get the CSP too. */
export const COMMON_HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
};

