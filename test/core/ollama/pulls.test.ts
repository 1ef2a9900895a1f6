// Pulls against the simulated Ollama through the service proxy: progress over all layers,
// joining, 404 and 400, the mid-stream error, cancel and resume, a dropped connection,
// several at once, finished entries that go, throttled events.
import { recordFigure } from '../../reliability/figures.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../../main/core/dispatch.ts';
import { PullTracker, } from '../../../main/core/ollama/pull-progress.ts';
import type { Handlers, PullProgress } from '../../../preload/contract/index.ts';
import { startSimCluster, type SimCluster } from '../../sim/index.ts';
import { makeWorld, until, type World } from './world.ts';

let sim: SimCluster;
let w: World;
const h = () => w.side.handlers as unknown as Handlers;
const terminal = (p: PullProgress | null) => !!p && ['success', 'error', 'cancelled'].includes(p.status);
const progressOf = (model: string) => dispatch(h(), 'pullProgress', { model }).catch(() => null);

beforeAll(async () => {
  // 1 GB/s: a 1.3 GB model takes over a second, long enough to watch, cancel and join.
  sim = await startSimCluster({ quiet: true, ollama: { installed: [], pullBytesPerSecond: 1e9 } });
  w = await makeWorld(sim.kube, { routes: ['service-proxy'], pulls: { keepFinishedMs: 60_000, eventIntervalMs: 200 } });
});
afterAll(async () => {
  await w?.close();
  await sim?.close();
});

describe('pull progress (pure)', () => {
  it('sums every layer seen, measures bytes per second and says the time left', () => {
    const t = new PullTracker('m', 0);
    t.update({ status: 'pulling manifest' }, 0);
    expect(t.progress.status).toBe('pulling manifest');
    t.update({ status: 'pulling aaa', digest: 'sha256:aaa', total: 1000 }, 0);
    t.update({ status: 'pulling aaa', digest: 'sha256:aaa', total: 1000, completed: 500 }, 500);
    expect(t.progress).toMatchObject({ status: 'downloading', total: 1000, completed: 500, progress: 50, message: 'downloading: 50%', bytes_per_second: 1000, eta_seconds: 1 });
    t.update({ status: 'pulling aaa', digest: 'sha256:aaa', total: 1000, completed: 1000 }, 1000);
    // A second layer already present: counted in the totals, not as downloaded bytes.
    t.update({ status: 'pulling bbb', digest: 'sha256:bbb', total: 1000, completed: 1000 }, 1000);
    t.update({ status: 'pulling ccc', digest: 'sha256:ccc', total: 2000 }, 1000);
    expect(t.progress).toMatchObject({ total: 4000, completed: 2000, progress: 50, bytes_per_second: 1000 });
    t.update({ status: 'verifying sha256 digest' }, 3000);
    expect(t.progress.message).toBe('verifying sha256 digest');
    t.update({ status: 'success' }, 3100);
    t.succeed(3100);
    expect(t.progress).toMatchObject({ status: 'success', progress: 100, eta_seconds: 0 });
    expect(t.progress.finished_at).not.toBeNull();
  });
});

describe("pull progress on Ollama's rhythm (pure)", () => {
  it('counts a blob whose last line fell short of its total as complete once Ollama verifies', () => {
    const t = new PullTracker('m', 0);
    t.update({ status: 'pulling manifest' }, 0);
    // Lines only on the 60 ms ticker: none when the blob finishes, none for the small layers.
    for (const [at, completed] of [[60, 300], [120, 800], [180, 970]] as const) t.update({ status: 'pulling aaa', digest: 'sha256:aaa', total: 1000, completed }, at);
    expect(t.progress).toMatchObject({ status: 'downloading', completed: 970, progress: 97 });
    t.update({ status: 'verifying sha256 digest' }, 200);
    expect(t.progress).toMatchObject({ completed: 1000, total: 1000, progress: 100, message: 'verifying sha256 digest' });
    t.update({ status: 'writing manifest' }, 210);
    t.update({ status: 'success' }, 220);
    t.succeed(220);
    expect(t.progress).toMatchObject({ status: 'success', completed: 1000, total: 1000, progress: 100 });
  });
});

describe('pulls', () => {
  it('answers 400 for an invalid name and 404 for progress of a model never pulled', async () => {
    await expect(dispatch(h(), 'pullModel', { model: 'not a name' })).rejects.toMatchObject({ status: 400 });
    await expect(dispatch(h(), 'pullProgress', { model: 'gemma3:1b' })).rejects.toMatchObject({ status: 404 });
    await expect(dispatch(h(), 'cancelPull', { model: 'gemma3:1b' })).rejects.toMatchObject({ status: 404 });
  });

  it('pulls in the background with progress over every layer, and a second request joins', async () => {
    const events: PullProgress[] = [];
    const off = w.ctx.events.on('pullProgress', (p) => p.model === 'llama3.2:1b' && events.push(p));
    try {
      const started = await dispatch(h(), 'pullModel', { model: 'llama3.2:1b' });
      expect(started.success).toBe(true);
      expect(started.progress.status).toBe('starting');
      const mid = await until(() => progressOf('llama3.2:1b'), (p) => !!p && p.progress > 5 && p.progress < 95 && p.bytes_per_second !== null);
      expect(mid!.status).toBe('downloading');
      expect(mid!.message).toBe(`downloading: ${mid!.progress}%`);
      const joined = await dispatch(h(), 'pullModel', { model: 'llama3.2:1b' });
      expect(joined.message).toMatch(/joined/);
      expect(joined.joined).toBe(true);
      expect(started.joined).toBe(false);
      expect(sim.ollama.state.pullCounts.get('llama3.2:1b')).toBe(1);
      const done = await until(() => progressOf('llama3.2:1b'), terminal, 15_000);
      expect(done).toMatchObject({ status: 'success', progress: 100, error: null });
      expect(done!.finished_at).not.toBeNull();
      // Every layer Ollama named, all complete at success (its last line of a blob is short of
      // the total, and KB-sized layers may never be named: within 0.1 % of the model's size).
      const models = await dispatch(h(), 'listModels', {});
      const size = models.models.find((m) => m.name === 'llama3.2:1b')!.size;
      expect(done!.completed).toBe(done!.total);
      expect(done!.total).toBeLessThanOrEqual(size);
      expect(done!.total).toBeGreaterThan(size * 0.999);
      // Progress only ever grows, and never claims more than it has.
      for (let i = 1; i < events.length; i++) expect(events[i]!.progress).toBeGreaterThanOrEqual(events[i - 1]!.progress);
      for (const e of events) expect(e.completed).toBeLessThanOrEqual(e.total);
      expect(mid!.bytes_per_second).toBeGreaterThan(0);
      expect(mid!.eta_seconds).toBeGreaterThanOrEqual(0);
      // Throttled events, with the final one.
      expect(events.length).toBeGreaterThan(2);
      expect(events.length).toBeLessThan(40);
      expect(events.at(-1)!.status).toBe('success');
      const list = await dispatch(h(), 'listPulls', {});
      expect(list.pulls.map((p) => p.model)).toContain('llama3.2:1b');
    } finally {
      off();
    }
  });

  it("turns Ollama's mid-stream {error} into status error with its message", async () => {
    await dispatch(h(), 'pullModel', { model: 'no-such-model:1b' });
    const p = await until(() => progressOf('no-such-model:1b'), terminal);
    expect(p).toMatchObject({ status: 'error', error: 'pull model manifest: file does not exist' });
    expect(p!.message).toContain('file does not exist');
  });

  it('cancels a running pull; a later pull resumes it', async () => {
    await dispatch(h(), 'pullModel', { model: 'gemma3:4b' });
    const mid = await until(() => progressOf('gemma3:4b'), (p) => !!p && p.completed > 0);
    expect(mid!.status).toBe('downloading');
    const c = await dispatch(h(), 'cancelPull', { model: 'gemma3:4b' });
    expect(c.success).toBe(true);
    const p = await progressOf('gemma3:4b');
    expect(p!.status).toBe('cancelled');
    await expect(dispatch(h(), 'cancelPull', { model: 'gemma3:4b' })).rejects.toMatchObject({ status: 409 });
    expect(sim.ollama.state.installed()).not.toContain('gemma3:4b');
    // Resumed: the bytes already there show at once.
    await dispatch(h(), 'pullModel', { model: 'gemma3:4b' });
    const again = await until(() => progressOf('gemma3:4b'), (x) => !!x && x.total > 0);
    expect(again!.completed).toBeGreaterThanOrEqual(p!.completed * 0.9);
    await dispatch(h(), 'cancelPull', { model: 'gemma3:4b' });
  });

  it('runs several pulls at once', async () => {
    await Promise.all(['qwen2.5:0.5b', 'tinyllama:1.1b', 'phi:2.7b'].map((model) => dispatch(h(), 'pullModel', { model })));
    const all = await until(
      () => Promise.all(['qwen2.5:0.5b', 'tinyllama:1.1b', 'phi:2.7b'].map(progressOf)),
      (ps) => ps.every(terminal),
      15_000,
    );
    expect(all.map((p) => p!.status)).toEqual(['success', 'success', 'success']);
    expect(sim.ollama.state.installed()).toEqual(expect.arrayContaining(['qwen2.5:0.5b', 'tinyllama:1.1b', 'phi:2.7b']));
  });

  it('resumes by itself when the connection drops mid-pull', async () => {
    sim.ollama.faults.disconnectMidStreamAfterMs = 400;
    try {
      await dispatch(h(), 'pullModel', { model: 'llama3.2:3b' });
      await until(() => progressOf('llama3.2:3b'), (p) => !!p && p.completed > 0);
      sim.ollama.faults.disconnectMidStreamAfterMs = null;
      const p = await until(() => progressOf('llama3.2:3b'), terminal, 15_000);
      expect(p!.status).toBe('success');
      expect(w.ctx.lines.some((l) => l.startsWith('[PULL] pull of llama3.2:3b lost its connection'))).toBe(true);
    } finally {
      sim.ollama.faults.disconnectMidStreamAfterMs = null;
    }
  });

  it('outlives an API server outage: the stream is retried with backoff and the pull finishes', async () => {
    await dispatch(h(), 'pullModel', { model: 'llama3.1:8b' });
    await until(() => progressOf('llama3.1:8b'), (p) => !!p && p.completed > 0);
    // Longer than the old give-up (two 300 ms retries); the service proxy's API server is gone.
    await sim.kube.stop();
    recordFigure('faults injected', 1);
    await new Promise((r) => setTimeout(r, 1500));
    const during = await progressOf('llama3.1:8b');
    expect(during?.status).not.toBe('error');
    await sim.kube.start();
    const p = await until(() => progressOf('llama3.1:8b'), terminal, 30_000);
    expect(p).toMatchObject({ status: 'success', progress: 100 });
    expect(w.ctx.lines.some((l) => /^\[PULL\] pull of llama3\.1:8b lost its connection .*retrying in \d+ ms/.test(l))).toBe(true);
    expect(sim.ollama.state.installed()).toContain('llama3.1:8b');
  });

  it('reports an error when Ollama cannot be reached, and drops finished entries after a while', async () => {
    const w2 = await makeWorld(sim.kube, { routes: ['explicit'], ollamaUrl: 'http://127.0.0.1:9', pulls: { keepFinishedMs: 300 } });
    try {
      await w2.side.handlers.pullModel({ model: 'phi3:mini' });
      const p = await until(() => w2.side.handlers.pullProgress({ model: 'phi3:mini' }), (x) => terminal(x));
      expect(p).toMatchObject({ status: 'error' });
      expect(p.error).toMatch(/unreachable/);
      await new Promise((r) => setTimeout(r, 400));
      await expect(w2.side.handlers.pullProgress({ model: 'phi3:mini' })).rejects.toMatchObject({ status: 404 });
    } finally {
      await w2.close();
    }
  });
});
