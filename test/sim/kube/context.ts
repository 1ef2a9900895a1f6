// What request handlers share: the store, faults, open watches and the options.
import type { Store } from './store.ts';
import type { Faults, WatchRegistry } from './faults.ts';
import type { PortForwards } from './portforward.ts';
import type { PodLogs } from './podlogs.ts';

export interface SimContext {
  store: Store;
  faults: Faults;
  watches: WatchRegistry;
  ollamaUrl?: string;
  portForwards?: PortForwards;
  podLogs?: PodLogs;
  log: (msg: string) => void;
}
