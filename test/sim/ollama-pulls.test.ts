// Pull behaviour that needs timing: cancel and resume, and concurrent pulls sharing one download.
import { request, type ClientRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startOllamaSim, type OllamaSim } from './ollama/server.ts';
import { findLibraryModel } from './ollama/library.ts';

type Line = { status?: string; digest?: string; total?: number; completed?: number; error?: string };

interface PullStream {
  lines: Line[];
  req: ClientRequest;
  done: Promise<Line[]>; // resolves when the response ends or the request is destroyed
  waitFor(pred: (l: Line) => boolean): Promise<Line>;
}

function pull(sim: OllamaSim, model: string): PullStream {
  const lines: Line[] = [];
  const waiters: { pred: (l: Line) => boolean; resolve: (l: Line) => void }[] = [];
  let buf = '';
  let finish!: (l: Line[]) => void;
  const done = new Promise<Line[]>((r) => (finish = r));
  const req = request(sim.url + '/api/pull', { method: 'POST' }, (res) => {
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      buf += chunk;
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = JSON.parse(buf.slice(0, i)) as Line;
        buf = buf.slice(i + 1);
        lines.push(line);
        for (const w of [...waiters]) if (w.pred(line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
    });
    res.on('end', () => finish(lines));
    res.on('error', () => finish(lines));
  });
  req.on('error', () => finish(lines));
  req.on('close', () => finish(lines));
  req.end(JSON.stringify({ model }));
  return {
    lines,
    req,
    done,
    waitFor: (pred) => {
      const hit = lines.find(pred);
      return hit ? Promise.resolve(hit) : new Promise((resolve) => waiters.push({ pred, resolve }));
    },
  };
}

let sim: OllamaSim | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('pull cancel and resume', () => {
  it('keeps the bytes of a cancelled pull and resumes from them', async () => {
    sim = await startOllamaSim({ installed: [], pullBytesPerSecond: 2e9, progressIntervalMs: 20 });
    const weights = findLibraryModel('llama3.2:3b')?.layers[0];
    expect(weights?.size).toBe(2_019_377_376);
    const first = pull(sim, 'llama3.2');
    const seen = await first.waitFor((l) => l.digest === weights?.digest && (l.completed ?? 0) > 300e6);
    first.req.destroy();
    await first.done;
    await new Promise((r) => setTimeout(r, 50));
    expect(sim.state.installed()).not.toContain('llama3.2:latest');

    const second = pull(sim, 'llama3.2:latest');
    const lines = await second.done;
    const mine = lines.filter((l) => l.digest === weights?.digest);
    // Resumes at the kept bytes: at least what the first pull saw, well short of the total.
    expect(mine[0]?.completed).toBeGreaterThanOrEqual(seen.completed as number);
    expect(mine[0]?.completed).toBeLessThan(weights?.size as number);
    // No line when the blob finishes (Ollama's ticker): the last is short of the size.
    expect(mine.at(-1)?.completed).toBeLessThanOrEqual(weights?.size as number);
    expect(lines.at(-1)).toEqual({ status: 'success' });
    expect(sim.state.installed()).toContain('llama3.2:latest');
    expect(sim.state.pullCounts.get('llama3.2:latest')).toBe(2);
  });
});

describe('concurrent pulls', () => {
  it('share one download: a second pull joins at the bytes already received', async () => {
    sim = await startOllamaSim({ installed: [], pullBytesPerSecond: 2e9, progressIntervalMs: 20 });
    const weights = findLibraryModel('tinyllama')?.layers[0];
    const a = pull(sim, 'tinyllama');
    await a.waitFor((l) => l.digest === weights?.digest && (l.completed ?? 0) > 100e6);
    const startedB = Date.now();
    const b = pull(sim, 'tinyllama:1.1b');
    const [la, lb] = await Promise.all([a.done, b.done]);
    const elapsedB = Date.now() - startedB;
    const bWeights = lb.filter((l) => l.digest === weights?.digest);
    expect(bWeights[0]?.completed).toBeGreaterThan(100e6);
    // B only waited for the rest of the shared download, not a whole one of its own (~320 ms).
    expect(elapsedB).toBeLessThan(((weights?.size as number) / 2e9) * 1000);
    expect(la.at(-1)).toEqual({ status: 'success' });
    expect(lb.at(-1)).toEqual({ status: 'success' });
    expect(sim.state.installed().sort()).toEqual(['tinyllama:1.1b', 'tinyllama:latest']);
  });

  it('one client leaving does not stop the download the other waits on', async () => {
    sim = await startOllamaSim({ installed: [], pullBytesPerSecond: 2e9, progressIntervalMs: 20 });
    const weights = findLibraryModel('tinyllama')?.layers[0];
    const a = pull(sim, 'tinyllama');
    const b = pull(sim, 'tinyllama');
    await a.waitFor((l) => (l.completed ?? 0) > 50e6);
    a.req.destroy();
    const lb = await b.done;
    const completed = lb.filter((l) => l.digest === weights?.digest).map((l) => l.completed ?? 0);
    for (let i = 1; i < completed.length; i++) expect(completed[i]).toBeGreaterThanOrEqual(completed[i - 1] as number);
    expect(lb.at(-1)).toEqual({ status: 'success' });
  });
});
