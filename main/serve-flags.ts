// The flags of `npm run serve`, each declared once with its help line: parseArgs reads
// FLAGS and --help prints them, so the two cannot drift.
import type { ParseArgsOptionDescriptor } from 'node:util';

/** Every flag, once: parseArgs reads these, and --help prints each with its line. */
export const FLAGS = {
  port: { type: 'string', default: '8080', value: 'PORT', help: 'port to listen on; 0 picks a free one' },
  host: { type: 'string', default: '127.0.0.1', value: 'ADDRESS', help: 'interface to bind; beyond loopback it needs a strong token (MODEL_MANAGER_TOKEN)' },
  context: { type: 'string', value: 'NAME', help: "kubeconfig context to use instead of the kubeconfig's current one" },
  namespace: { type: 'string', value: 'NS', help: "namespace of Ollama, the usage ConfigMap and new deployments (default: the setting, POD_NAMESPACE, then the context's)" },
  kubeconfig: { type: 'string', value: 'PATH', help: 'kubeconfig file to read (default: KUBECONFIG; else, in a pod, its service account; else ~/.kube/config)' },
  'config-dir': { type: 'string', value: 'DIR', help: 'where settings and the usage journal live (default: MODEL_MANAGER_CONFIG_DIR, then the per-user folder)' },
  'allow-host': { type: 'string', multiple: true, value: 'NAME', help: 'another Host name to answer to, besides loopback names and the bound host (repeatable)' },
  'allow-origin': { type: 'string', multiple: true, value: 'URL', help: 'origin of a page allowed to call the API with the token, e.g. https://dash.example.com (repeatable)' },
  'ollama-port': { type: 'string', value: 'PORT', help: "also serve an Ollama-compatible endpoint there that counts every client's use (default: the ollamaEndpoint settings; off)" },
  'ollama-host': { type: 'string', default: '127.0.0.1', value: 'ADDRESS', help: 'interface of the Ollama endpoint; peers beyond loopback then need the REST token as a bearer' },
  'rotate-token': { type: 'boolean', default: false, help: 'replace the kept REST token with a new random one before starting (not with MODEL_MANAGER_TOKEN)' },
  'build-renderer': { type: 'boolean', default: false, help: 'build the web UI first when out/renderer is missing or older than its sources (npm run serve passes it)' },
  help: { type: 'boolean', short: 'h', default: false, help: 'print this help and exit' },
} as const satisfies Record<string, ParseArgsOptionDescriptor & { help: string; value?: string }>;

/** The usage line and one line per flag, from FLAGS. */
export function usage(): string {
  const rows = Object.entries(FLAGS).map(([name, flag]) => {
    const short = 'short' in flag ? `-${flag.short}, ` : '';
    const value = 'value' in flag ? ` ${flag.value}` : '';
    const fallback = 'default' in flag && flag.type === 'string' ? ` (default ${flag.default})` : '';
    return [`  ${short}--${name}${value}`, `${flag.help}${fallback}`] as const;
  });
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return ['usage: npm run serve -- [flags]', '', ...rows.map(([left, text]) => left.padEnd(width) + text)].join('\n');
}
