// Three tracker processes count the same models into one ConfigMap at once; one is killed
// with SIGKILL at a random moment and started again on its state folder. The ConfigMap
// must end with exactly the increments answered with success (plus, at most, the one the
// killed process had made durable but had not yet answered, which its journal shows).
import { recordFigure } from '../../reliability/figures.ts';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startKubeSim, type KubeSim } from '../../sim/kube/server.ts';
import { CONFIGMAP_NAME } from '../../../main/core/usage/configmap.ts';
import { parseJournal } from '../../../main/core/usage/journal.ts';
import { journalRoot } from '../../../main/core/usage/slot.ts';
import { testContext, tempDir } from './context.ts';

const TRACKER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'tracker.ts');
const MODELS = ['llama3.1:8b', 'mistral:7b', 'qwen2.5-coder:7b'];

let sim: KubeSim;
let kubeconfig: string;

beforeAll(async () => {
  sim = await startKubeSim({ quiet: true });
  kubeconfig = path.join(tempDir('kmm-mp-'), 'kubeconfig');
  sim.writeKubeconfig(kubeconfig);
});
afterAll(async () => {
  await sim?.close();
});

interface Tracker {
  child: ChildProcess;
  stateDir: string;
  acked: Map<string, number>;
  /** Sent and not yet answered, in order (the child works one at a time). */
  inFlight: string[];
  ready: Promise<void>;
  exited: Promise<number | null>;
  closed: boolean;
}

function startTracker(stateDir: string, acked = new Map<string, number>()): Tracker {
  const child = spawn(process.execPath, [TRACKER, kubeconfig, stateDir], { stdio: ['pipe', 'pipe', 'inherit'] });
  let onReady!: () => void;
  const t: Tracker = {
    child,
    stateDir,
    acked,
    inFlight: [],
    ready: new Promise<void>((r) => (onReady = r)),
    exited: new Promise((r) => child.on('exit', (code) => r(code))),
    closed: false,
  };
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (line === 'ready') onReady();
    else if (line === 'closed') t.closed = true;
    else if (line.startsWith('ok ')) {
      const model = line.slice(3);
      expect(t.inFlight.shift()).toBe(model);
      acked.set(model, (acked.get(model) ?? 0) + 1);
    } else if (line.startsWith('fail ')) throw new Error(`tracker refused an increment: ${line}`);
  });
  return t;
}

function send(t: Tracker, model: string): void {
  t.inFlight.push(model);
  t.child.stdin!.write(model + '\n');
}

/** Every seq this instance ever made durable: the journal's high-water mark. */
function durableSeqs(stateDir: string): number {
  const { entries, applied } = parseJournal(readFileSync(path.join(journalRoot(stateDir, sim.url, 'model-hosting'), 'journal.ndjson'), 'utf8'));
  return Math.max(applied, ...entries.map((e) => e.seq));
}

it('three processes, one killed with SIGKILL and restarted: the ConfigMap has exactly the answered increments', async () => {
  const dirs = [tempDir('kmm-p0-'), tempDir('kmm-p1-'), tempDir('kmm-p2-')];
  const trackers = dirs.map((d) => startTracker(d));
  await Promise.all(trackers.map((t) => t.ready));

  const sendFor = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        for (const t of trackers) for (let i = 0; i < 3; i++) send(t, MODELS[Math.floor(Math.random() * MODELS.length)]!);
      }, 10);
      setTimeout(() => {
        clearInterval(timer);
        resolve();
      }, ms);
    });

  // Kill one at a random moment of the run.
  const victim = Math.floor(Math.random() * 3);
  const killAfter = 300 + Math.random() * 1500;
  await sendFor(killAfter);
  const old = trackers[victim]!;
  old.child.kill('SIGKILL');
  await old.exited;
  // The one it was working on may have become durable without an answer; the journal says.
  const unanswered = old.inFlight.slice();
  const durableBefore = durableSeqs(old.stateDir);
  const ackedBefore = [...old.acked.values()].reduce((a, b) => a + b, 0);
  const extra = durableBefore - ackedBefore;
  expect(extra === 0 || extra === 1).toBe(true);
  const extraModel = extra === 1 ? unanswered[0]! : null;

  trackers[victim] = startTracker(old.stateDir, old.acked);
  await trackers[victim]!.ready;
  await sendFor(1000);

  // Let the work finish: stdin's end makes each tracker answer what it has, flush and exit.
  for (const t of trackers) t.child.stdin!.end();
  const codes = await Promise.all(trackers.map((t) => t.exited));
  expect(codes).toEqual([0, 0, 0]);
  for (const t of trackers) expect(t.inFlight).toEqual([]);

  const expected = new Map<string, number>();
  for (const t of trackers) for (const [m, n] of t.acked) expected.set(m, (expected.get(m) ?? 0) + n);
  if (extraModel) expected.set(extraModel, (expected.get(extraModel) ?? 0) + 1);
  const answered = [...expected.values()].reduce((a, b) => a + b, 0);
  expect(answered).toBeGreaterThan(100);

  const ctx = testContext({ kubeconfig });
  const cm = await ctx.kube.core.readNamespacedConfigMap({ name: CONFIGMAP_NAME, namespace: ctx.kube.namespace });
  const counts = JSON.parse(cm.data?.['usage.json'] ?? '{}') as Record<string, number>;
  recordFigure('usage increments acknowledged', answered);
  recordFigure('usage increments found in the ConfigMap', Object.values(counts).reduce((a, b) => a + b, 0));
  recordFigure('usage processes killed with SIGKILL', 1);
  expect(counts).toEqual(Object.fromEntries(expected));
  // Every journal is empty: all of it is in the ConfigMap.
  for (const d of dirs) expect(parseJournal(readFileSync(path.join(journalRoot(d, sim.url, 'model-hosting'), 'journal.ndjson'), 'utf8')).entries).toEqual([]);
}, 30_000);
