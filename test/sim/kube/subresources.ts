// Subresources other than proxy and portforward: deployments/scale, */status, pods/log.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimContext } from './context.ts';
import type { ApiPath } from './paths.ts';
import type { KObj } from './types.ts';
import { clone } from './types.ts';
import { errors } from './status.ts';
import { readJson, sendJson } from './http.ts';
import { applyPatch, updateObject } from './rest.ts';
import { servePodLog } from './logs.ts';

function toScale(d: KObj): Record<string, unknown> {
  const sel = Object.entries(d.spec?.selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: d.metadata.name, namespace: d.metadata.namespace, uid: d.metadata.uid,
      resourceVersion: d.metadata.resourceVersion, creationTimestamp: d.metadata.creationTimestamp,
    },
    spec: { replicas: d.spec?.replicas ?? 0 },
    status: { replicas: d.status?.replicas ?? 0, selector: sel },
  };
}

export async function handleSubresource(
  ctx: SimContext,
  p: ApiPath,
  verb: string,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const { r, namespace: ns, name, subresource: sub } = p;
  const entry = ctx.store.getEntry(r, ns, name!);
  if (!entry) throw errors.notFound(r, name!);
  const old = entry.obj;
  if (sub === 'status') {
    if (verb === 'get') return sendJson(res, 200, entry.json);
    const body = await readJson(req);
    const next = verb === 'patch' ? applyPatch(old, body, String(req.headers['content-type'] ?? '')) : (body as KObj);
    return sendJson(res, 200, updateObject(ctx, r, old, next, { status: true }));
  }
  if (sub === 'scale' && r.plural === 'deployments') {
    if (verb === 'get') return sendJson(res, 200, toScale(old));
    const body = await readJson(req);
    const scale = verb === 'patch' ? applyPatch(toScale(old) as KObj, body, String(req.headers['content-type'] ?? '')) : (body as KObj);
    const rv = scale?.metadata?.resourceVersion;
    if (rv && rv !== old.metadata.resourceVersion) throw errors.conflict(r, name!);
    const replicas = scale?.spec?.replicas;
    if (typeof replicas !== 'number' || replicas < 0)
      throw errors.invalid({ ...r, kind: 'Scale', group: 'autoscaling' }, name!, [
        { reason: 'FieldValueInvalid', message: `Invalid value: ${replicas}: must be greater than or equal to 0`, field: 'spec.replicas' },
      ]);
    const next = clone(old);
    next.spec.replicas = replicas;
    delete next.metadata.resourceVersion;
    const updated = updateObject(ctx, r, old, next);
    ctx.log(`[SIM] scaled deployments ${ns}/${name} to ${replicas}`);
    return sendJson(res, 200, toScale(updated));
  }
  if (sub === 'log' && r.plural === 'pods' && verb === 'get') return servePodLog(ctx, old, url.searchParams, req, res);
  throw errors.rawNotFound();
}
