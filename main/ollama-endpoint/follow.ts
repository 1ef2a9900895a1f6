// The endpoint as a setting: started when `ollamaEndpointEnabled` is on, moved when
// `ollamaEndpointPort` changes, stopped when it goes off. The desktop shell calls this once.
import type { Settings } from '../../preload/contract/index.ts';
import type { EndpointCore } from '../core/ollama-endpoint/index.ts';
import type { Logger } from '../core/log.ts';
import { startOllamaEndpoint, type OllamaEndpoint } from './server.ts';

export interface FollowOptions {
  settings: { get(): Settings; onChange(listener: (next: Settings, changed: (keyof Settings)[]) => void): () => void };
  /** The live manager's endpoint side, e.g. `() => host.manager.endpoint ?? null`. */
  getCore: () => EndpointCore | null;
  env?: NodeJS.ProcessEnv;
  log: Logger;
}

export interface FollowedEndpoint {
  /** The running endpoint, if any. */
  current(): OllamaEndpoint | null;
  /** Settles once the latest change has been applied. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

export function followOllamaEndpointSetting(opts: FollowOptions): FollowedEndpoint {
  let running: OllamaEndpoint | null = null;
  let chain: Promise<void> = Promise.resolve();
  let closed = false;

  const apply = async (s: Settings) => {
    const want = !closed && s.ollamaEndpointEnabled ? s.ollamaEndpointPort : null;
    if (running && running.port === want) return;
    if (running) {
      await running.close();
      running = null;
    }
    if (want === null) return;
    try {
      running = await startOllamaEndpoint({ port: want, getCore: opts.getCore, env: opts.env ?? process.env, log: opts.log });
    } catch (err) {
      opts.log.error('OLLAMA', `endpoint: cannot listen on 127.0.0.1:${want}: ${(err as Error).message}`);
    }
  };
  const queue = (s: Settings) => (chain = chain.then(() => apply(s)).catch(() => {}));

  queue(opts.settings.get());
  const off = opts.settings.onChange((next, changed) => {
    if (changed.includes('ollamaEndpointEnabled') || changed.includes('ollamaEndpointPort')) queue(next);
  });
  return {
    current: () => running,
    settled: () => chain,
    async close() {
      closed = true;
      off();
      await queue(opts.settings.get());
    },
  };
}
