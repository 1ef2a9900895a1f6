import { describe, expect, it } from 'vitest';
import { pathToFileURL } from 'node:url';
import type { Handlers } from '../../preload/contract/index.ts';
import { handleInvoke } from '../../main/shell/invoke.ts';
import { AppError } from '../../main/core/errors.ts';
import { memoryLogger } from '../../main/core/log.ts';
import { unwrap } from '../../preload/unwrap.ts';

const rendererDir = '/app/out/renderer';
const origins = { rendererDir };
const appPage = pathToFileURL(`${rendererDir}/index.html`).href;

// Only the handlers these tests reach; dispatch validates inputs before calling them.
function handlers(calls: unknown[]): Handlers {
  return {
    trackUsage: async (input: { model: string }) => {
      calls.push(input);
      return { success: true, model: input.model, message: 'tracked' };
    },
    deleteDeployment: async (input: { deployment_name: string }) => {
      throw new AppError(404, `deployment ${input.deployment_name} not found`, { deployment_name: input.deployment_name });
    },
    health: async () => {
      throw new Error('socket hang up');
    },
  } as unknown as Handlers;
}

describe('handleInvoke', () => {
  it('runs a valid call from the app page and wraps the value', async () => {
    const calls: unknown[] = [];
    const log = memoryLogger();
    const result = await handleInvoke(handlers(calls), appPage, origins, 'trackUsage', { model: 'llama3.1:8b' }, log);
    expect(result).toEqual({ ok: true, value: { success: true, model: 'llama3.1:8b', message: 'tracked' } });
    expect(calls).toEqual([{ model: 'llama3.1:8b' }]);
    expect(log.lines.some((l) => l.startsWith('[REQUEST] IPC trackUsage 200'))).toBe(true);
  });

  it('refuses a sender that is not the app, without running the handler', async () => {
    const calls: unknown[] = [];
    const log = memoryLogger();
    const result = await handleInvoke(handlers(calls), 'https://evil.example/x?token=secret', origins, 'trackUsage', { model: 'a' }, log);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.status).toBe(403);
    expect(calls).toEqual([]);
    expect(log.lines.join('\n')).not.toContain('secret');
  });

  it('answers 400 naming the field for bad input, and for unknown operations', async () => {
    const calls: unknown[] = [];
    const bad = await handleInvoke(handlers(calls), appPage, origins, 'trackUsage', { model: 'no\ncontrol characters' }, memoryLogger());
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.error.status).toBe(400);
      expect(bad.error.error).toMatch(/^model /);
    }
    const unknown = await handleInvoke(handlers(calls), appPage, origins, 'constructor', {}, memoryLogger());
    expect(!unknown.ok && unknown.error.status).toBe(400);
    expect(calls).toEqual([]);
  });

  it('keeps the status and details of an AppError, and turns other errors into 500', async () => {
    const notFound = await handleInvoke(handlers([]), appPage, origins, 'deleteDeployment', { deployment_name: 'gone' }, memoryLogger());
    expect(notFound).toEqual({ ok: false, error: { success: false, status: 404, error: 'deployment gone not found', deployment_name: 'gone' } });
    const crash = await handleInvoke(handlers([]), appPage, origins, 'health', {}, memoryLogger());
    expect(!crash.ok && crash.error.status).toBe(500);
    expect(!crash.ok && crash.error.error).toBe('socket hang up');
  });

  it('round-trips through the preload unwrap: value resolved, error rethrown with status and body', async () => {
    const ok = await handleInvoke(handlers([]), appPage, origins, 'trackUsage', { model: 'phi3' }, memoryLogger());
    expect(unwrap(ok)).toMatchObject({ model: 'phi3' });
    const failed = await handleInvoke(handlers([]), appPage, origins, 'deleteDeployment', { deployment_name: 'gone' }, memoryLogger());
    let thrown: unknown;
    try {
      unwrap(failed);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toEqual({ name: 'ApiError', status: 404, message: 'deployment gone not found', body: { success: false, status: 404, error: 'deployment gone not found', deployment_name: 'gone' } });
    expect(() => unwrap('garbage')).toThrow();
  });
});
