// One IPC call: check the sender, validate and run through the contract, and wrap the
// outcome as `{ ok, value } | { ok: false, error }` (Electron keeps only the message of a
// thrown Error, so the error body travels as data). No electron here.
import type { Handlers } from '../../preload/contract/index.ts';
import type { InvokeResult } from '../../preload/bridge-api.ts';
import { dispatch } from '../core/dispatch.ts';
import { AppError, toAppError } from '../core/errors.ts';
import type { Logger } from '../core/log.ts';
import { isAppUrl, type AppOrigins } from './app-url.ts';

export async function handleInvoke(handlers: Handlers, senderUrl: string | null | undefined, origins: AppOrigins, name: unknown, input: unknown, log: Logger): Promise<InvokeResult> {
  const started = performance.now();
  const label = typeof name === 'string' ? name.slice(0, 64) : '(no name)';
  if (!isAppUrl(senderUrl, origins)) {
    // The URL can be long or odd: its origin says enough.
    log.warn('APP', `IPC ${label} refused: sender is not the app's page (${originOf(senderUrl)})`);
    return { ok: false, error: new AppError(403, 'IPC from a page that is not the app').toBody() };
  }
  try {
    const value = await dispatch(handlers, name as never, input);
    log.info('REQUEST', `IPC ${label} 200 ${Math.round(performance.now() - started)}ms`);
    return { ok: true, value };
  } catch (err) {
    const appErr = toAppError(err);
    const line = `IPC ${label} ${appErr.status} ${Math.round(performance.now() - started)}ms: ${appErr.message}`;
    if (appErr.status >= 500) log.error('REQUEST', line);
    else log.info('REQUEST', line);
    return { ok: false, error: appErr.toBody() };
  }
}

function originOf(raw: string | null | undefined): string {
  if (!raw) return 'unknown';
  try {
    const u = new URL(raw);
    return u.protocol === 'file:' ? 'file://' : u.origin;
  } catch {
    return 'invalid URL';
  }
}
