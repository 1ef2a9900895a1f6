// POST /api/deployments/scale and /api/deployments/restart: a merge patch of the Deployment
// (spec.replicas), and kubectl's `rollout restart` (the pod template's restartedAt
// annotation, so the Deployment controller replaces every pod). Never a system deployment.
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type { ParsedInput, RestartDeploymentResult, ScaleDeploymentResult } from '../../../preload/contract/index.ts';
import { AppError, badRequest, notFound } from '../errors.ts';
import type { CoreContext } from '../context.ts';
import { systemRefusal } from './system.ts';

/** The annotation `kubectl rollout restart` writes (k8s.io/kubectl/pkg/polymorphichelpers/objectrestarter.go). */
export const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';

const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

function refuse(namespace: string, name: string, verb: string): void {
  const refused = systemRefusal(namespace, name, 'deleted');
  if (refused) throw badRequest(refused.message.replace('deleted', verb), { field: refused.field === 'deployment_name' ? 'name' : 'namespace' });
}

async function read(ctx: CoreContext, namespace: string, name: string) {
  try {
    return await ctx.kube.call(`read deployment ${namespace}/${name}`, () => ctx.kube.apps.readNamespacedDeployment({ name, namespace }));
  } catch (err) {
    if (err instanceof AppError && err.status === 404) throw notFound(`deployment ${namespace}/${name} not found`, { field: 'name', namespace });
    throw err;
  }
}

export async function scaleDeployment(ctx: CoreContext, input: ParsedInput<'scaleDeployment'>): Promise<ScaleDeploymentResult> {
  const { namespace, name, replicas } = input;
  refuse(namespace, name, 'scaled');
  const before = await read(ctx, namespace, name);
  const previous = before.spec?.replicas ?? 1;
  await ctx.kube.call(`scale deployment ${namespace}/${name}`, () => ctx.kube.apps.patchNamespacedDeployment({ name, namespace, body: { spec: { replicas } } }, mergePatch));
  ctx.log.info('DEPLOY', `scaled ${namespace}/${name} from ${previous} to ${replicas} replicas`);
  return { success: true, message: `Deployment ${namespace}/${name} scaled from ${previous} to ${replicas} replica${replicas === 1 ? '' : 's'}`, namespace, name, replicas, previous_replicas: previous };
}

export async function restartDeployment(ctx: CoreContext, input: ParsedInput<'restartDeployment'>, now: () => Date = () => new Date()): Promise<RestartDeploymentResult> {
  const { namespace, name } = input;
  refuse(namespace, name, 'restarted');
  await read(ctx, namespace, name);
  const at = now().toISOString();
  const body = { spec: { template: { metadata: { annotations: { [RESTARTED_AT]: at } } } } };
  await ctx.kube.call(`restart deployment ${namespace}/${name}`, () => ctx.kube.apps.patchNamespacedDeployment({ name, namespace, body }, mergePatch));
  ctx.log.info('DEPLOY', `restarted ${namespace}/${name} (restartedAt ${at})`);
  return { success: true, message: `Deployment ${namespace}/${name} restarting: its pods are replaced by a rollout`, namespace, name, restarted_at: at };
}
