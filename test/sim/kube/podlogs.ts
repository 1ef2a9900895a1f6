// What each simulated container wrote to stdout, kept per pod and container with the time of
// each line, as the kubelet keeps container logs: the kubelet writes a container's start-up
// lines (Ollama's own for the Ollama image), the service proxy Ollama's GIN request lines.
// Followers (logs -f) get new lines as they come and the end when the pod goes.
import type { KObj } from './types.ts';

export interface LogLine { t: number; text: string }

function key(ns: string, pod: string, container: string, instance = 0): string {
  return `${ns}/${pod}/${container}#${instance}`;
}

function stamp(t: number): string {
  const d = new Date(t);
  return `time=${d.toISOString().replace(/\.\d{3}Z$/, '.000Z')}`;
}

export class PodLogs {
  private lines = new Map<string, LogLine[]>();
  private followers = new Map<string, Set<{ line: (l: LogLine) => void; end: () => void }>>();
  /** The latest run (instance) of each container: a restarted container writes a new log. */
  private latest = new Map<string, number>();

  /** The latest instance of a container (0 until it restarts). */
  instance(ns: string, pod: string, container: string): number {
    return this.latest.get(`${ns}/${pod}/${container}`) ?? 0;
  }

  /** A new run of the container: followers of the last one end (its process exited). */
  private newInstance(ns: string, pod: string, container: string, instance: number): void {
    const prev = this.instance(ns, pod, container);
    if (instance === prev) return;
    this.latest.set(`${ns}/${pod}/${container}`, instance);
    const k = key(ns, pod, container, prev);
    for (const f of this.followers.get(k) ?? []) f.end();
    this.followers.delete(k);
  }

  append(ns: string, pod: string, container: string, text: string, t = Date.now()): void {
    const k = key(ns, pod, container, this.instance(ns, pod, container));
    let a = this.lines.get(k);
    if (!a) this.lines.set(k, (a = []));
    const l = { t, text };
    a.push(l);
    if (a.length > 5000) a.splice(0, a.length - 5000);
    for (const f of this.followers.get(k) ?? []) f.line(l);
  }

  get(ns: string, pod: string, container: string, instance = this.instance(ns, pod, container)): LogLine[] {
    return this.lines.get(key(ns, pod, container, instance)) ?? [];
  }

  follow(ns: string, pod: string, container: string, line: (l: LogLine) => void, end: () => void): () => void {
    const k = key(ns, pod, container, this.instance(ns, pod, container));
    let s = this.followers.get(k);
    if (!s) this.followers.set(k, (s = new Set()));
    const f = { line, end };
    s.add(f);
    return () => s!.delete(f);
  }

  /** The pod is gone: followers end, its lines are dropped. */
  drop(ns: string, pod: string): void {
    const prefix = `${ns}/${pod}/`;
    for (const k of [...this.lines.keys()]) if (k.startsWith(prefix)) this.lines.delete(k);
    for (const k of [...this.latest.keys()]) if (k.startsWith(prefix)) this.latest.delete(k);
    for (const [k, s] of [...this.followers]) {
      if (!k.startsWith(prefix)) continue;
      for (const f of s) f.end();
      this.followers.delete(k);
    }
  }

  /** A pod seeded before the simulator started wrote its start-up lines then (at its container's startedAt). */
  ensureStarted(pod: KObj, c: { name: string; image: string }): void {
    if (this.get(pod.metadata.namespace!, pod.metadata.name!, c.name).length) return;
    const s = (pod.status?.containerStatuses ?? []).find((x: any) => x.name === c.name); // eslint-disable-line @typescript-eslint/no-explicit-any
    if (s?.state?.running) this.started(pod, c, Date.parse(s.state.running.startedAt));
  }

  /** What a container prints as it starts: Ollama's start-up lines (server/routes.go, gpu discovery) or a generic line. */
  started(pod: KObj, c: { name: string; image: string }, t = Date.now(), instance = 0): void {
    const ns = pod.metadata.namespace!;
    const name = pod.metadata.name!;
    const image = String(c.image ?? '');
    this.newInstance(ns, name, c.name, instance);
    if (/(^|\/)ollama(:|@|$)/.test(image)) {
      const version = /:(\d[\w.-]*)$/.exec(image)?.[1] ?? '0.12.6';
      const env = Object.fromEntries(((pod.spec?.containers ?? []).find((x: any) => x.name === c.name)?.env ?? []) // eslint-disable-line @typescript-eslint/no-explicit-any
        .filter((e: any) => e.name?.startsWith('OLLAMA_') && typeof e.value === 'string').map((e: any) => [e.name, e.value])); // eslint-disable-line @typescript-eslint/no-explicit-any
      const cfg: Record<string, string> = { OLLAMA_HOST: 'http://0.0.0.0:11434', OLLAMA_KEEP_ALIVE: '5m0s', OLLAMA_MAX_LOADED_MODELS: '0', OLLAMA_NUM_PARALLEL: '1', ...env };
      // Ollama prints its parsed settings (envconfig.AsMap): the host as a URL, keep-alive as a Go duration.
      cfg.OLLAMA_HOST = hostUrl(cfg.OLLAMA_HOST!);
      cfg.OLLAMA_KEEP_ALIVE = goDuration(cfg.OLLAMA_KEEP_ALIVE!);
      const map = Object.entries(cfg).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}:${v}`).join(' ');
      for (const text of [
        `${stamp(t)} level=INFO source=routes.go:1331 msg="server config" env="map[${map}]"`,
        `${stamp(t)} level=INFO source=images.go:477 msg="total blobs: 0"`,
        `${stamp(t)} level=INFO source=images.go:484 msg="total unused blobs removed: 0"`,
        `${stamp(t)} level=INFO source=routes.go:1384 msg="Listening on [::]:11434 (version ${version})"`,
        `${stamp(t)} level=INFO source=gpu.go:217 msg="looking for compatible GPUs"`,
        `${stamp(t)} level=INFO source=types.go:130 msg="inference compute" id=GPU-0 library=cuda compute=9.0 driver=12.4 name="NVIDIA GPU"`,
      ]) this.append(ns, name, c.name, text, t);
      return;
    }
    this.append(ns, name, c.name, `simulated container ${c.name} started (image ${image})`, t);
  }
}

function hostUrl(h: string): string {
  const withScheme = /^https?:\/\//.test(h) ? h : `http://${h}`;
  return /:\d+$/.test(withScheme.replace(/^https?:\/\//, '')) ? withScheme : `${withScheme}:11434`;
}

/** A keep-alive as Go prints a time.Duration (5m -> 5m0s, 300 -> 5m0s, negative -> the largest duration). */
function goDuration(v: string): string {
  const m = /^(-?\d+)(s|m|h)?$/.exec(v.trim());
  if (!m) return v;
  const secs = Number(m[1]) * (m[2] === 'h' ? 3600 : m[2] === 'm' ? 60 : 1);
  if (secs < 0) return '2562047h47m16.854775807s';
  const h = Math.floor(secs / 3600);
  const min = Math.floor((secs % 3600) / 60);
  const s = secs % 60;
  return h ? `${h}h${min}m${s}s` : min ? `${min}m${s}s` : `${s}s`;
}

/** Ollama's request log line (gin's default logger format, as Ollama prints it without colours). */
export function ginLine(status: number, ms: number, client: string, method: string, path: string, t = Date.now()): string {
  const d = new Date(t);
  const p2 = (n: number) => String(n).padStart(2, '0');
  const when = `${d.getUTCFullYear()}/${p2(d.getUTCMonth() + 1)}/${p2(d.getUTCDate())} - ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
  const latency = ms < 1 ? `${Math.round(ms * 1000)}µs` : ms < 1000 ? `${ms.toFixed(6).replace(/0+$/, '').replace(/\.$/, '')}ms` : `${(ms / 1000).toFixed(6).replace(/0+$/, '')}s`;
  return `[GIN] ${when} | ${status} | ${latency.padStart(13)} | ${client.padStart(15)} | ${method.padEnd(7)} "${path}"`;
}

/** Ollama's format.HumanBytes (powers of 1000). */
export function humanBytes(b: number): string {
  const units: [number, string][] = [[1e12, 'TB'], [1e9, 'GB'], [1e6, 'MB'], [1e3, 'KB']];
  const u = units.find(([n]) => b >= n);
  if (!u) return `${b} B`;
  const v = b / u[0];
  if (v >= 10 || v === Math.trunc(v)) return `${Math.trunc(v)} ${u[1]}`;
  return `${v.toFixed(1)} ${u[1]}`;
}

/** The line Ollama's server/download.go logs when it starts a blob: its parts are total/16, between 100 MB and 1000 MB. */
export function downloadLine(digest: string, total: number, t = Date.now()): string {
  const part = Math.min(1000e6, Math.max(100e6, Math.floor(total / 16)));
  const parts = Math.max(1, Math.ceil(total / part));
  const first = Math.min(part, total);
  return `${stamp(t)} level=INFO source=download.go:176 msg="downloading ${digest.replace(/^sha256:/, '').slice(0, 12)} in ${parts} ${humanBytes(first)} part(s)"`;
}

/** Watches an /api/pull NDJSON stream passing by and logs each blob's download start, once. */
export function pullLogger(append: (line: string) => void): (chunk: Buffer) => void {
  let buf = '';
  const seen = new Set<string>();
  return (chunk) => {
    buf += chunk.toString('utf8');
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      try {
        const j = JSON.parse(line);
        if (typeof j.digest === 'string' && typeof j.total === 'number' && !seen.has(j.digest)) {
          seen.add(j.digest);
          // A blob already on disk is reported complete at once and not downloaded.
          if (!(j.completed >= j.total)) append(downloadLine(j.digest, j.total));
        }
      } catch {
        // not a JSON line
      }
    }
  };
}
