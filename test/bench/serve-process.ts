// `node main/serve.ts` as `npm run serve` starts it, against the bench's simulated cluster:
// the process whose answers and resident memory the bench measures (its own process, so the
// simulator's memory and CPU are not counted in it).
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Agent, request } from 'undici';

const ROOT = resolve(import.meta.dirname, '../..');
export const BENCH_TOKEN = 'bench-token-7f3a9c1e5b2d4f6a8c0e1b3d5f7a9c1e';

export interface Served {
  child: ChildProcess;
  base: string;
  agent: Agent;
  /** When the process was spawned (performance.now()). */
  spawnedAt: number;
  /** Resident set size now and at its peak, in bytes (from /proc). */
  rss(): { now: number; peak: number };
  output(): string;
  get(path: string, headers?: Record<string, string>): Promise<{ status: number; bytes: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>;
  post(path: string, body: unknown): Promise<{ status: number; json: unknown }>;
  stop(): Promise<void>;
}

/** The Node flags `npm run serve` passes (package.json's serve script): the bench runs serve as that does. */
export function serveNodeFlags(): string[] {
  const script = (JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.serve ?? '';
  const m = /\bnode\s+((?:--\S+\s+)*)main\/serve\.ts/.exec(script);
  return m ? m[1]!.trim().split(/\s+/).filter(Boolean) : [];
}

export async function startServe(opts: { kubeconfig: string; configDir: string; nodeFlags?: string[]; env?: NodeJS.ProcessEnv }): Promise<Served> {
  const env: NodeJS.ProcessEnv = { ...process.env, MODEL_MANAGER_TOKEN: BENCH_TOKEN };
  for (const k of ['KUBECONFIG', 'KUBERNETES_SERVICE_HOST', 'POD_NAMESPACE', 'OLLAMA_HOST']) delete env[k];
  Object.assign(env, opts.env ?? {});
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, [...(opts.nodeFlags ?? serveNodeFlags()), 'main/serve.ts', '--build-renderer', '--port', '0', '--kubeconfig', opts.kubeconfig, '--config-dir', opts.configDir], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out = (out + d).slice(-20_000)));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (out = (out + d).slice(-20_000)));
  const base = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`serve printed no URL:\n${out}`)), 30_000);
    const check = () => {
      const m = /serving at (http:\/\/[^/\s]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout!.off('data', check);
        done(m[1]!);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => fail(new Error(`serve exited with ${code}:\n${out}`)));
  });
  const agent = new Agent({ connections: 64, keepAliveTimeout: 30_000 });
  const auth = { authorization: `Bearer ${BENCH_TOKEN}` };
  const status = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
  return {
    child,
    base,
    agent,
    spawnedAt,
    rss: () => ({ now: status('VmRSS'), peak: status('VmHWM') }),
    output: () => out,
    async get(path, headers = {}) {
      const res = await request(`${base}${path}`, { dispatcher: agent, headers: { ...auth, ...headers } });
      const body = Buffer.from(await res.body.arrayBuffer());
      return { status: res.statusCode, bytes: body.length, headers: res.headers, body };
    },
    async post(path, body) {
      const res = await request(`${base}${path}`, { method: 'POST', dispatcher: agent, headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const text = await res.body.text();
      let json: unknown = null;
      try {
        json = JSON.parse(text);
      } catch {
        json = text;
      }
      return { status: res.statusCode, json };
    },
    async stop() {
      await agent.close();
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
