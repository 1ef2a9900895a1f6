// The control endpoint, under /_sim/ (a path no Kubernetes client uses), authenticated
// with the full-access token:
//   GET  /_sim/faults  -> current switches and the number of open watches
//   POST /_sim/faults  {"latencyMs":200,"errorRate":0.1,"errorStatus":503,"forceGone":true,
//                       "dropWatches":true | "graceful",
//                       "raceNextUpdates":{"resource":"configmaps","namespace":"NS","name":"N","count":1}}
//                       (fields optional) -> new state
//   POST /_sim/reset   -> all switches off
//   POST /_sim/restart {"downMs":1000} -> answers, stops listening, listens again on the same port
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimContext } from './context.ts';
import { resetFaults } from './faults.ts';
import { readJson, sendJson } from './http.ts';
import { errors } from './status.ts';

export interface ControlHooks {
  restart(downMs: number): void;
}

function state(ctx: SimContext): Record<string, unknown> {
  const f = ctx.faults;
  return {
    latencyMs: f.latencyMs, errorRate: f.errorRate, errorStatus: f.errorStatus, forceGone: f.forceGone,
    openWatches: ctx.watches.open.size, resourceVersion: String(ctx.store.resourceVersion),
    races: f.races.map(({ resource, namespace, name, remaining }) => ({ resource, namespace: namespace ?? null, name, remaining })),
  };
}

export async function handleControl(ctx: SimContext, hooks: ControlHooks, pathname: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (pathname === '/_sim/faults' && req.method === 'GET') return sendJson(res, 200, state(ctx));
  if (req.method !== 'POST') throw errors.methodNotAllowed();
  const body = ((await readJson(req).catch(() => ({}))) ?? {}) as Record<string, unknown>;
  const f = ctx.faults;
  switch (pathname) {
    case '/_sim/faults': {
      if (typeof body.latencyMs === 'number') f.latencyMs = Math.max(0, body.latencyMs);
      if (typeof body.errorRate === 'number') f.errorRate = Math.min(1, Math.max(0, body.errorRate));
      if (body.errorStatus === 500 || body.errorStatus === 429 || body.errorStatus === 503) f.errorStatus = body.errorStatus;
      if (typeof body.forceGone === 'boolean') f.forceGone = body.forceGone;
      if (typeof body.bookmarkIntervalMs === 'number' && body.bookmarkIntervalMs >= 10) f.bookmarkIntervalMs = body.bookmarkIntervalMs;
      if (body.silenceWatches) f.silenceWatches();
      if (body.dropWatches) f.dropWatches({ graceful: body.dropWatches === 'graceful' });
      const race = body.raceNextUpdates as { resource?: unknown; namespace?: unknown; name?: unknown; count?: unknown } | undefined;
      if (race && typeof race.resource === 'string' && typeof race.name === 'string') {
        f.raceNextUpdates(
          { resource: race.resource, name: race.name, ...(typeof race.namespace === 'string' ? { namespace: race.namespace } : {}) },
          typeof race.count === 'number' ? { count: race.count } : {},
        );
      }
      ctx.log(`[SIM] faults ${JSON.stringify(state(ctx))}`);
      return sendJson(res, 200, state(ctx));
    }
    case '/_sim/reset':
      resetFaults(f);
      return sendJson(res, 200, state(ctx));
    case '/_sim/restart': {
      const downMs = typeof body.downMs === 'number' ? body.downMs : 500;
      sendJson(res, 202, { restarting: true, downMs });
      res.on('finish', () => hooks.restart(downMs));
      return;
    }
    default:
      throw errors.rawNotFound();
  }
}
