// Blob downloads shared by every pull that needs the same digest, like Ollama's blobDownloadManager:
// a download runs while at least one pull waits on it; when the last one leaves, it stops and the
// bytes received stay on disk so the next pull resumes from there.
import type { SimState } from './state.ts';

export interface BlobDownload {
  readonly digest: string;
  readonly total: number;
  /** Bytes already on disk when this download started (a resumed pull starts there). */
  readonly from: number;
  completed(): number;
  readonly finished: Promise<boolean>; // true when complete, false when cancelled
  release(): void;
}

export interface Downloader {
  /** `joined`: another pull was already downloading this blob. */
  acquire(digest: string, total: number): { dl: BlobDownload; joined: boolean };
  cancelAll(): void;
}

interface Running {
  dl: BlobDownload;
  refs: number;
  stop(): void;
}

export function createDownloader(state: SimState, bytesPerSecond: () => number): Downloader {
  const running = new Map<string, Running>();

  function start(digest: string, total: number): Running {
    const from = Math.min(state.blobs.get(digest) ?? 0, total);
    const rate = Math.max(1, bytesPerSecond());
    const startedAt = Date.now();
    let phase: 'running' | 'done' | 'cancelled' = 'running';
    let resolve!: (complete: boolean) => void;
    const finished = new Promise<boolean>((r) => (resolve = r));
    const completed = () => (phase === 'done' ? total : Math.min(total, from + Math.floor((rate * (Date.now() - startedAt)) / 1000)));
    const timer = setTimeout(() => {
      phase = 'done';
      state.blobs.set(digest, total);
      running.delete(digest);
      resolve(true);
    }, Math.ceil(((total - from) / rate) * 1000));
    const entry: Running = {
      refs: 0,
      dl: {
        digest,
        total,
        from,
        completed,
        finished,
        release() {
          if (phase !== 'running') return;
          if (--entry.refs === 0) entry.stop();
        },
      },
      stop() {
        if (phase !== 'running') return;
        const kept = completed();
        phase = 'cancelled';
        clearTimeout(timer);
        state.blobs.set(digest, kept);
        running.delete(digest);
        resolve(false);
      },
    };
    return entry;
  }

  return {
    acquire(digest, total) {
      let r = running.get(digest);
      const joined = !!r;
      if (!r) {
        r = start(digest, total);
        running.set(digest, r);
      }
      r.refs++;
      return { dl: r.dl, joined };
    },
    cancelAll() {
      for (const r of [...running.values()]) r.stop();
    },
  };
}
