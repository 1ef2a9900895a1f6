// Tracker processes (tracker.ts) driven from a test: each counts the model names it is sent,
// one at a time, into the usage ConfigMap; the test keeps what each answered with success.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseJournal } from '../../../main/core/usage/journal.ts';
import { journalRoot } from '../../../main/core/usage/slot.ts';

const TRACKER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'tracker.ts');
export const MODELS = ['llama3.1:8b', 'mistral:7b', 'qwen2.5-coder:7b'];

export interface Tracker {
  child: ChildProcess;
  stateDir: string;
  acked: Map<string, number>;
  /** Sent and not yet answered, in order (the child works one at a time). */
  inFlight: string[];
  ready: Promise<void>;
  exited: Promise<number | null>;
  closed: boolean;
  /** A line the tracker should never print (a refused increment, an answer out of order). */
  problem: string | null;
}

export function startTracker(kubeconfig: string, stateDir: string, acked = new Map<string, number>()): Tracker {
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
    problem: null,
  };
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (line === 'ready') onReady();
    else if (line === 'closed') t.closed = true;
    else if (line.startsWith('ok ')) {
      const model = line.slice(3);
      const expected = t.inFlight.shift();
      if (expected !== model) t.problem ??= `answered ${model}, expected ${expected}`;
      acked.set(model, (acked.get(model) ?? 0) + 1);
    } else if (line.startsWith('fail ')) t.problem ??= `tracker refused an increment: ${line}`;
  });
  return t;
}

export function send(t: Tracker, model: string): void {
  t.inFlight.push(model);
  t.child.stdin!.write(model + '\n');
}

/** Every seq this instance ever made durable: the journal's high-water mark. */
export function durableSeqs(stateDir: string, server: string): number {
  const { entries, applied } = parseJournal(readFileSync(path.join(journalRoot(stateDir, server, 'model-hosting'), 'journal.ndjson'), 'utf8'));
  return Math.max(applied, ...entries.map((e) => e.seq));
}

export function pendingInJournal(stateDir: string, server: string): number {
  return parseJournal(readFileSync(path.join(journalRoot(stateDir, server, 'model-hosting'), 'journal.ndjson'), 'utf8')).entries.length;
}

/** Sends three random models to each tracker every 10 ms, for `ms`. */
export function sendFor(trackers: Tracker[], ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      for (const t of trackers) if (t.child.exitCode === null) for (let i = 0; i < 3; i++) send(t, MODELS[Math.floor(Math.random() * MODELS.length)]!);
    }, 10);
    setTimeout(() => {
      clearInterval(timer);
      resolve();
    }, ms);
  });
}

export const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
