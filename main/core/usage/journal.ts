// The local, append-only journal of accepted usage increments. An increment is answered
// with success only once its line is fsync'd here, so it survives the Kubernetes API being
// down and the process being killed; the flusher drops lines once the ConfigMap has them.
//
// File format (NDJSON): an optional first line {"applied":N} (every seq <= N is already in
// the ConfigMap, and new seqs continue after it), then one {"seq","model","t"} per increment,
// with "pt", "ct" (prompt and completion tokens) and "c" (client) when the use reported them:
// tokens travel with their increment, so they are written to the ConfigMap exactly once too.
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { UseDetails } from './doc.ts';

export interface JournalEntry {
  seq: number;
  model: string;
  /** Acceptance time (ms since epoch): a reset drops increments accepted before it. */
  t: number;
  pt?: number;
  ct?: number;
  c?: string;
}

interface Waiter {
  model: string;
  use: UseDetails;
  resolve: (entry: JournalEntry) => void;
  reject: (err: unknown) => void;
}

const JOURNAL = 'journal.ndjson';

export class UsageJournal {
  readonly dir: string;
  readonly instanceId: string;
  #fd: fs.FileHandle;
  #entries: JournalEntry[];
  #applied: number;
  #lastSeq: number;
  #queue: Waiter[] = [];
  #writing: Promise<void> | null = null;
  /** Serialises file operations: group-commit appends and compactions never interleave. */
  #chain: Promise<void> = Promise.resolve();
  #closed = false;

  private constructor(dir: string, instanceId: string, fd: fs.FileHandle, entries: JournalEntry[], applied: number) {
    this.dir = dir;
    this.instanceId = instanceId;
    this.#fd = fd;
    this.#entries = entries;
    this.#applied = applied;
    this.#lastSeq = entries.reduce((max, e) => Math.max(max, e.seq), applied);
  }

  /** Opens (or creates) the journal in `dir`; a torn last line from a crash is cut off. */
  static async open(dir: string): Promise<UsageJournal> {
    await fs.mkdir(dir, { recursive: true });
    const instanceId = await readOrCreateInstanceId(dir);
    const file = path.join(dir, JOURNAL);
    let text = '';
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const { entries, applied, validLength } = parseJournal(text);
    const fd = await fs.open(file, 'a+');
    // A line cut short by SIGKILL was never acknowledged: drop it so appends start clean.
    if (Buffer.byteLength(text) !== validLength) {
      await fd.truncate(validLength);
      await fd.sync();
    }
    return new UsageJournal(dir, instanceId, fd, entries, applied);
  }

  /** Increments that are durable here and not yet known to be in the ConfigMap, in seq order. */
  pending(): JournalEntry[] {
    return this.#entries.slice();
  }

  get pendingCount(): number {
    return this.#entries.length;
  }

  /** Seqs up to this are known to be in the ConfigMap. */
  get applied(): number {
    return this.#applied;
  }

  /** Resolves once the increment is on disk (fsync'd); concurrent appends share one fsync. */
  append(model: string, use: UseDetails = {}): Promise<JournalEntry> {
    if (this.#closed) return Promise.reject(new Error('usage journal is closed'));
    return new Promise<JournalEntry>((resolve, reject) => {
      this.#queue.push({ model, use, resolve, reject });
      if (!this.#writing) this.#writing = this.#drain();
    });
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length) {
        const batch = this.#queue.splice(0);
        await this.#serial(async () => {
          const t = Date.now();
          const entries = batch.map((w) => entryOf(++this.#lastSeq, w.model, t, w.use));
          try {
            await this.#fd.appendFile(entries.map((e) => JSON.stringify(e) + '\n').join(''));
            await this.#fd.datasync();
          } catch (err) {
            // Not durable: the seqs are burnt (the next ones stay above them), the callers get the error.
            for (const w of batch) w.reject(err);
            return;
          }
          this.#entries.push(...entries);
          batch.forEach((w, i) => w.resolve(entries[i] as JournalEntry));
        });
      }
    } finally {
      this.#writing = null;
    }
  }

  /**
   * Records that every seq <= `seq` is in the ConfigMap: the file is rewritten without them
   * (temp file, fsync, rename), keeping the high-water mark so seqs never go back.
   */
  async markApplied(seq: number): Promise<void> {
    if (seq <= this.#applied) return;
    await this.#serial(async () => {
      if (seq <= this.#applied || this.#closed) return;
      const keep = this.#entries.filter((e) => e.seq > seq);
      const file = path.join(this.dir, JOURNAL);
      const tmp = `${file}.tmp`;
      const body = JSON.stringify({ applied: seq }) + '\n' + keep.map((e) => JSON.stringify(e) + '\n').join('');
      const h = await fs.open(tmp, 'w');
      try {
        await h.writeFile(body);
        await h.sync();
      } finally {
        await h.close();
      }
      await fs.rename(tmp, file);
      await syncDir(this.dir);
      await this.#fd.close();
      this.#fd = await fs.open(file, 'a+');
      this.#entries = keep;
      this.#applied = seq;
    });
  }

  #serial(fn: () => Promise<void>): Promise<void> {
    const next = this.#chain.then(fn);
    this.#chain = next.catch(() => {});
    return next;
  }

  async close(): Promise<void> {
    if (this.#writing) await this.#writing.catch(() => {});
    this.#closed = true;
    await this.#chain;
    await this.#fd.close().catch(() => {});
  }
}

export function parseJournal(text: string): { entries: JournalEntry[]; applied: number; validLength: number } {
  let applied = 0;
  const entries: JournalEntry[] = [];
  let offset = 0;
  let validLength = 0;
  while (offset < text.length) {
    const nl = text.indexOf('\n', offset);
    if (nl < 0) break; // torn tail
    const line = text.slice(offset, nl);
    offset = nl + 1;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      break; // a garbled line can only be a torn write: nothing after it was acknowledged
    }
    const o = parsed as Partial<JournalEntry> & { applied?: number };
    if (typeof o.applied === 'number') applied = Math.max(applied, o.applied);
    else if (typeof o.seq === 'number' && typeof o.model === 'string' && typeof o.t === 'number') {
      if (o.seq > applied) entries.push(entryOf(o.seq, o.model, o.t, { prompt_tokens: o.pt, completion_tokens: o.ct, client: o.c }));
    } else break;
    validLength += Buffer.byteLength(line) + 1;
  }
  return { entries, applied, validLength };
}

/** An entry with only the details that are there (an old entry reads as it was written). */
function entryOf(seq: number, model: string, t: number, use: UseDetails): JournalEntry {
  const e: JournalEntry = { seq, model, t };
  if (typeof use.prompt_tokens === 'number') e.pt = use.prompt_tokens;
  if (typeof use.completion_tokens === 'number') e.ct = use.completion_tokens;
  if (typeof use.client === 'string') e.c = use.client;
  return e;
}

/** What an entry adds besides its count. */
export function useOf(e: JournalEntry): UseDetails {
  return {
    ...(e.pt !== undefined ? { prompt_tokens: e.pt } : {}),
    ...(e.ct !== undefined ? { completion_tokens: e.ct } : {}),
    ...(e.c !== undefined ? { client: e.c } : {}),
  };
}

async function readOrCreateInstanceId(dir: string): Promise<string> {
  const file = path.join(dir, 'instance-id');
  try {
    const id = (await fs.readFile(file, 'utf8')).trim();
    if (/^[A-Za-z0-9-]{8,64}$/.test(id)) return id;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const id = randomUUID();
  const tmp = `${file}.tmp`;
  await fs.writeFile(tmp, id + '\n');
  const h = await fs.open(tmp, 'r+');
  await h.sync();
  await h.close();
  await fs.rename(tmp, file);
  await syncDir(dir);
  return id;
}

async function syncDir(dir: string): Promise<void> {
  const h = await fs.open(dir, 'r');
  try {
    await h.sync();
  } catch {
    // Some filesystems refuse fsync on a directory; the rename is still atomic.
  } finally {
    await h.close();
  }
}
