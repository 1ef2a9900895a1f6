// One way of reaching Ollama: a base URL, one keep-alive undici Agent, and the headers
// every request on it carries (the API server's auth for the service proxy).
import { Agent } from 'undici';
import type { OllamaRouteInfo } from '../../../preload/contract/index.ts';
import { OLLAMA_PORT } from '../ollama-port.ts';

export interface OllamaRoute {
  kind: OllamaRouteInfo['kind'];
  /** Prefix of every Ollama path, without a trailing slash. */
  base: string;
  dispatcher: Agent;
  /** Headers for each request (fresh credentials where they can expire). */
  headers(): Promise<Record<string, string>>;
  /** Where it goes, for health and the UI (never a credential). */
  info(): OllamaRouteInfo;
  close(): Promise<void>;
}

export const KEEP_ALIVE_MS = 30_000;

export function keepAliveAgent(connect?: Agent.Options['connect']): Agent {
  return new Agent({ keepAliveTimeout: KEEP_ALIVE_MS, keepAliveMaxTimeout: 10 * 60_000, connections: 16, ...(connect ? { connect } : {}) });
}

/** A plain URL route: the explicit one, the seed's service DNS names and localhost. */
export function directRoute(kind: string, url: string): OllamaRoute {
  const base = url.replace(/\/+$/, '');
  const dispatcher = keepAliveAgent();
  return {
    kind,
    base,
    dispatcher,
    headers: async () => ({}),
    info: () => ({ kind, url: base }),
    close: () => dispatcher.close(),
  };
}

/** OLLAMA_HOST as Ollama reads it: "host", "host:port", "0.0.0.0" or a URL; default port OLLAMA_PORT. */
export function normaliseOllamaHost(value: string): string | null {
  let v = value.trim();
  if (!v) return null;
  if (!/^https?:\/\//i.test(v)) v = `http://${v}`;
  try {
    const u = new URL(v);
    if (u.hostname === '0.0.0.0') u.hostname = '127.0.0.1';
    if (u.hostname === '[::]') u.hostname = '[::1]';
    if (!u.port && u.protocol === 'http:' && !/:\d+/.test(value)) u.port = String(OLLAMA_PORT);
    return u.toString().replace(/\/+$/, '');
  } catch {
    return null;
  }
}

export const SERVICE_DNS_URLS = (namespace: string) => [
  `http://ollama-service:${OLLAMA_PORT}`,
  `http://ollama-service.${namespace}:${OLLAMA_PORT}`,
  `http://ollama-service.${namespace}.svc.cluster.local:${OLLAMA_PORT}`,
];
export const LOCALHOST_URL = `http://localhost:${OLLAMA_PORT}`;
