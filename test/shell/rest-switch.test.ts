// The REST switch against the real embedded REST server on loopback.
import { afterEach, describe, expect, it } from 'vitest';
import type { Handlers } from '../../preload/contract/index.ts';
import { memoryLogger } from '../../main/core/log.ts';
import { EventBus } from '../../main/core/events.ts';
import { startRestServer } from '../../main/rest/server.ts';
import { RestSwitch } from '../../main/shell/rest-switch.ts';

const handlers = { health: async () => ({ status: 'healthy', kubernetes: 'connected' }) } as unknown as Handlers;
const start = (port: number) => startRestServer({ host: '127.0.0.1', port, getHandlers: () => handlers, events: new EventBus(), token: 't0ken-for-tests', staticDir: null });

let sw: RestSwitch | null = null;
afterEach(async () => {
  await sw?.close();
  sw = null;
});

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/api/health`);
    return res.ok;
  } catch {
    return false;
  }
}

describe('RestSwitch', () => {
  it('starts, restarts on a new port and stops the server', async () => {
    const log = memoryLogger();
    sw = new RestSwitch(start, log);
    await sw.set(true, 0);
    const first = sw.server?.url;
    expect(first).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await answers(first!)).toBe(true);

    await sw.set(true, 0); // same port (0): no restart
    expect(sw.server?.url).toBe(first);

    await sw.set(false, 0);
    expect(sw.server).toBeNull();
    expect(await answers(first!)).toBe(false);
    expect(log.lines.join('\n')).not.toContain('t0ken-for-tests');
  });

  it('serialises quick toggles so the final state wins', async () => {
    sw = new RestSwitch(start, memoryLogger());
    await Promise.all([sw.set(true, 0), sw.set(false, 0), sw.set(true, 0)]);
    expect(sw.server).not.toBeNull();
    expect(await answers(sw.server!.url)).toBe(true);
  });

  it('reports a port that is taken instead of crashing', async () => {
    const blocker = await start(0);
    try {
      sw = new RestSwitch(start, memoryLogger());
      await sw.set(true, blocker.port);
      expect(sw.server).toBeNull();
      expect(sw.lastError).toMatch(/EADDRINUSE|in use/i);
    } finally {
      await blocker.close();
    }
  });
});
