// GET /api/deployments/events: what `kubectl describe deployment` and `describe pod` show
// under Events, for one deployment: its own, its ReplicaSets' and its pods' (names that
// start with the deployment's, as the controllers name them), newest first.
import type { DeploymentEvent, DeploymentEventsResult, ParsedInput } from '../../../preload/contract/index.ts';
import type { CoreContext } from '../context.ts';
import { AppError, notFound } from '../errors.ts';

const MAX = 50;

export async function deploymentEvents(ctx: CoreContext, input: ParsedInput<'deploymentEvents'>): Promise<DeploymentEventsResult> {
  const { namespace, name } = input;
  try {
    await ctx.kube.call(`read deployment ${namespace}/${name}`, () => ctx.kube.apps.readNamespacedDeployment({ name, namespace }));
  } catch (err) {
    if (err instanceof AppError && err.status === 404) throw notFound(`deployment ${namespace}/${name} not found`, { field: 'name', namespace });
    throw err;
  }
  const list = await ctx.kube.call(`list events in ${namespace}`, () => ctx.kube.core.listNamespacedEvent({ namespace }));
  const ours = (kind: string | undefined, obj: string | undefined) =>
    (kind === 'Deployment' && obj === name) || ((kind === 'ReplicaSet' || kind === 'Pod') && Boolean(obj?.startsWith(`${name}-`)));
  const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : typeof v === 'string' ? v : '');
  const events: DeploymentEvent[] = (list.items ?? [])
    .filter((e) => ours(e.involvedObject?.kind, e.involvedObject?.name))
    .map((e) => ({
      type: e.type ?? 'Normal',
      reason: e.reason ?? '',
      message: e.message ?? '',
      object: `${e.involvedObject?.kind}/${e.involvedObject?.name}`,
      count: e.count ?? (e.series?.count ?? 1),
      last_seen: iso(e.lastTimestamp) || iso(e.eventTime) || iso(e.firstTimestamp) || iso(e.metadata?.creationTimestamp),
    }))
    .sort((a, b) => b.last_seen.localeCompare(a.last_seen))
    .slice(0, MAX);
  return { success: true, namespace, name, events };
}
