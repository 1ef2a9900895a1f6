// Fault switches: added latency, a rate of error answers, dropped watches, forced 410s and
// lost update races (409 Conflict). Tests flip them in-process; other processes use
// POST /_sim/faults (see control.ts).
import type { KObj } from './types.ts';

/** Which object a race is armed for: the resource's plural ('configmaps'), namespace and name. */
export interface RaceTarget {
  resource: string;
  namespace?: string;
  name: string;
}

export interface UpdateRace extends RaceTarget {
  /** Updates still to be raced. */
  remaining: number;
  /** What the other writer changes (default: an annotation, so only the resourceVersion matters). */
  change?: (obj: KObj) => void;
}

export interface Faults {
  latencyMs: number;
  errorRate: number;
  errorStatus: 500 | 429 | 503;
  forceGone: boolean;
  /** How often watches that asked for bookmarks get one (default 15 s; a real API server: about a minute). */
  bookmarkIntervalMs: number;
  /**
   * Every open watch goes silent: the connection stays open but nothing more is written, no
   * event and no bookmark (a proxy or load balancer that stopped forwarding; a hung server).
   */
  silenceWatches(): void;
  /** Closes every open watch. Default: the socket is destroyed (a network failure);
   *  `{ graceful: true }` ends the streams cleanly, as a server-side timeout does. */
  dropWatches(opts?: { graceful?: boolean }): void;
  /** Races armed by raceNextUpdates, in the order they were armed. */
  races: UpdateRace[];
  /**
   * Another writer wins the race, deterministically: just before each of the next `count`
   * (default 1) updates (PUT or PATCH) of the object is applied, the simulator writes the
   * object itself (the resourceVersion moves on, watchers see MODIFIED), so an update that
   * carries the resourceVersion it read is refused with 409 Conflict, as a real API server
   * refuses a lost race; one without a resourceVersion goes through, as it does there.
   */
  raceNextUpdates(target: RaceTarget, opts?: { count?: number; change?: (obj: KObj) => void }): void;
}

export interface OpenWatch {
  close(graceful: boolean): void;
  silence(): void;
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
    bookmarkIntervalMs: 15_000,
    silenceWatches() {
      for (const w of watches.open) w.silence();
      log(`[SIM] silenced ${watches.open.size} watch connection(s)`);
    },
    dropWatches(opts?: { graceful?: boolean }) {
      const n = watches.dropAll(Boolean(opts?.graceful));
      log(`[SIM] dropped ${n} watch connection(s)${opts?.graceful ? ' gracefully' : ''}`);
    },
    races: [],
    raceNextUpdates(target, opts = {}) {
      const race: UpdateRace = { resource: target.resource, name: target.name, remaining: Math.max(1, Math.floor(opts.count ?? 1)) };
      if (target.namespace !== undefined) race.namespace = target.namespace;
      if (opts.change) race.change = opts.change;
      this.races.push(race);
    },
  };
}

/** The armed race for this object, if any, counted down by one (used by the update verbs). */
export function takeRace(f: Faults, resource: string, namespace: string | undefined, name: string): UpdateRace | null {
  const race = f.races.find((r) => r.resource === resource && r.name === name && (r.namespace ?? undefined) === namespace);
  if (!race) return null;
  if (--race.remaining <= 0) f.races.splice(f.races.indexOf(race), 1);
  return race;
}

export function resetFaults(f: Faults): void {
  f.latencyMs = 0;
  f.errorRate = 0;
  f.errorStatus = 500;
  f.forceGone = false;
  f.bookmarkIntervalMs = 15_000;
  f.races.length = 0;
}
