// The local posture of Ollama's own server (ollama/ollama server/routes.go and envconfig):
// - Host: while bound to loopback, only local names are answered (allowedHostsMiddleware:
//   loopback, private and unspecified IPs, this machine's addresses, "localhost", the host
//   name, *.localhost, *.local, *.internal), which stops DNS rebinding.
// - Origin: a browser page may call only from an allowed origin (envconfig.AllowedOrigins:
//   OLLAMA_ORIGINS, then http(s)://localhost|127.0.0.1|0.0.0.0[:*], app://*, file://*,
//   tauri://*, vscode-webview://*, vscode-file://*; gin-contrib/cors adds browser extensions
//   and lets a page of the server's own origin through).
// - No token on loopback, as Ollama has none; a peer from beyond loopback (only possible when
//   bound elsewhere on purpose) must bring the REST token as a bearer.
// Ollama answers a refusal with a bare 403; this one says why, as JSON.
import { hostname, networkInterfaces } from 'node:os';
import { isIP } from 'node:net';

const DEFAULT_ORIGIN_HOSTS = ['localhost', '127.0.0.1', '0.0.0.0'];
const SCHEME_WILDCARDS = ['app://*', 'file://*', 'tauri://*', 'vscode-webview://*', 'vscode-file://*'];
const EXTENSION_SCHEMES = ['chrome-extension://', 'safari-extension://', 'moz-extension://', 'ms-browser-extension://'];
const LOCAL_TLDS = ['localhost', 'local', 'internal'];

/** Ollama's allowed origins: OLLAMA_ORIGINS (comma-separated, quotes trimmed) first, then the defaults. */
export function allowedOrigins(env: NodeJS.ProcessEnv): string[] {
  const out: string[] = [];
  const extra = (env.OLLAMA_ORIGINS ?? '').replace(/^["']+|["']+$/g, '');
  if (extra) out.push(...extra.split(',').map((o) => o.trim()).filter(Boolean));
  for (const h of DEFAULT_ORIGIN_HOSTS) out.push(`http://${h}`, `https://${h}`, `http://${h}:*`, `https://${h}:*`);
  out.push(...SCHEME_WILDCARDS);
  return out;
}

/** gin-contrib/cors matching: exact (case-insensitive), "*" for all, or one "*" standing for any text. */
export function originMatches(origin: string, patterns: readonly string[]): boolean {
  const o = origin.toLowerCase();
  if (EXTENSION_SCHEMES.some((s) => o.startsWith(s))) return true;
  return patterns.some((raw) => {
    const p = raw.toLowerCase();
    if (p === '*') return true;
    const star = p.indexOf('*');
    if (star < 0) return p === o;
    const head = p.slice(0, star);
    const tail = p.slice(star + 1);
    return o.length >= head.length + tail.length && o.startsWith(head) && o.endsWith(tail);
  });
}

/** Null when the Origin may call; else why not. */
export function originRefusal(origin: string | undefined, hostHeader: string | undefined, patterns: readonly string[]): string | null {
  if (origin === undefined || origin === '') return null; // not a browser page: CLI, SDKs, curl
  const host = (hostHeader ?? '').toLowerCase();
  if (host && (origin.toLowerCase() === `http://${host}` || origin.toLowerCase() === `https://${host}`)) return null;
  if (originMatches(origin, patterns)) return null;
  return `origin ${origin} is not allowed to call this Ollama endpoint (loopback origins and app:// pages are; add more with OLLAMA_ORIGINS, as for Ollama itself)`;
}

function hostOf(header: string): string {
  const h = header.trim().toLowerCase();
  const m = /^\[([^\]]+)\](?::\d+)?$/.exec(h);
  if (m) return m[1]!;
  const colon = h.lastIndexOf(':');
  // "::1" without brackets is an address, not host:port.
  if (colon > 0 && h.indexOf(':') === colon) return h.slice(0, colon);
  return h;
}

function isLoopbackIp(ip: string): boolean {
  return /^127\./.test(ip) || ip === '::1' || /^::ffff:127\./.test(ip);
}

function isPrivateOrUnspecified(ip: string): boolean {
  if (ip === '0.0.0.0' || ip === '::') return true;
  if (/^10\./.test(ip) || /^192\.168\./.test(ip) || /^172\.(1[6-9]|2\d|3[01])\./.test(ip)) return true;
  return /^f[cd][0-9a-f]{2}:/i.test(ip); // fc00::/7, as Go's netip.Addr.IsPrivate
}

function isLocalAddress(ip: string): boolean {
  return Object.values(networkInterfaces()).some((list) => (list ?? []).some((a) => a.address.toLowerCase() === ip));
}

/** Ollama's allowedHost: the name a request may carry in Host while the server is bound to loopback. */
export function hostAllowed(header: string | undefined, extra: readonly string[] = []): boolean {
  if (header === undefined) return true; // HTTP/1.0: Ollama's check sees "" and lets it through
  const host = hostOf(header);
  if (host === '' || host === 'localhost') return true;
  if (isIP(host)) return isLoopbackIp(host) || isPrivateOrUnspecified(host) || isLocalAddress(host);
  if (host === hostname().toLowerCase()) return true;
  if (LOCAL_TLDS.some((tld) => host.endsWith(`.${tld}`))) return true;
  return extra.some((h) => h.toLowerCase() === host);
}

export function isLoopbackPeer(address: string | undefined): boolean {
  return !!address && isLoopbackIp(address);
}

export function isLoopbackBind(host: string): boolean {
  return host === 'localhost' || isLoopbackIp(host.replace(/^\[|\]$/g, ''));
}
