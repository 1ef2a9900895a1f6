// What every side of the core is given: the cluster client, settings, events, logger,
// environment and state folder. A module of its own so that the sides depend on it, not
// on manager.ts (which imports them all).
import type { EventBus } from './events.ts';
import type { KubeClient } from './kube/client.ts';
import type { Logger } from './log.ts';
import type { SettingsStore } from './settings.ts';

export interface CoreContext {
  kube: KubeClient;
  settings: SettingsStore;
  events: EventBus;
  log: Logger;
  env: NodeJS.ProcessEnv;
  stateDir: string;
}
