// Fault switches: added latency, a rate of error answers, dropped watches and forced 410s.
// Tests flip them in-process; other processes use POST /_sim/faults (see control.ts).
export interface Faults {
  latencyMs: number;
  errorRate: number;
  errorStatus: 500 | 429 | 503;
  forceGone: boolean;
  /** Closes every open watch. Default: the socket is destroyed (a network failure);
   *  `{ graceful: true }` ends the streams cleanly, as a server-side timeout does. */
  dropWatches(opts?: { graceful?: boolean }): void;
}

export interface OpenWatch {
  close(graceful: boolean): void;
}

export class WatchRegistry {
  readonly open = new Set<OpenWatch>();

  dropAll(graceful: boolean): number {
    const n = this.open.size;
    for (const w of [...this.open]) w.close(graceful);
    return n;
  }
}

export function createFaults(watches: WatchRegistry, log: (m: string) => void): Faults {
  return {
    latencyMs: 0,
    errorRate: 0,
    errorStatus: 500,
    forceGone: false,
    dropWatches(opts?: { graceful?: boolean }) {
      const n = watches.dropAll(Boolean(opts?.graceful));
      log(`[SIM] dropped ${n} watch connection(s)${opts?.graceful ? ' gracefully' : ''}`);
    },
  };
}

export function resetFaults(f: Faults): void {
  f.latencyMs = 0;
  f.errorRate = 0;
  f.errorStatus = 500;
  f.forceGone = false;
}
