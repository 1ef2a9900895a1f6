// POST /api/delete: the Deployment and its Service; never a system deployment.
import type { DeleteDeploymentResult, ParsedInput } from '../../../preload/contract/index.ts';
import { AppError, notFound } from '../errors.ts';
import type { CoreContext } from '../manager.ts';
import { selectorOf } from './manifests.ts';
import { MANAGED_BY, MANAGER, SYSTEM_DEPLOYMENTS, SYSTEM_NAMESPACES } from './system.ts';

export async function deleteDeployment(ctx: CoreContext, input: ParsedInput<'deleteDeployment'>): Promise<DeleteDeploymentResult> {
  const name = input.deployment_name;
  const namespace = input.namespace ?? ctx.kube.namespace;
  if (SYSTEM_DEPLOYMENTS.has(name)) throw new AppError(403, `deployment_name "${name}" is a system deployment and is never deleted`, { field: 'deployment_name' });
  if (SYSTEM_NAMESPACES.has(namespace)) throw new AppError(403, `namespace ${namespace} is a system namespace: its deployments are never deleted`, { field: 'namespace' });

  let deployment;
  try {
    deployment = await ctx.kube.call(`read deployment ${namespace}/${name}`, () => ctx.kube.apps.readNamespacedDeployment({ name, namespace }));
  } catch (err) {
    if (err instanceof AppError && err.status === 404) throw notFound(`deployment "${name}" not found in namespace ${namespace}`, { field: 'deployment_name' });
    throw err;
  }
  await ctx.kube.call(`delete deployment ${namespace}/${name}`, () => ctx.kube.apps.deleteNamespacedDeployment({ name, namespace, propagationPolicy: 'Background' }));

  // The Service of the same name goes too when it is ours or serves this deployment's pods.
  let serviceDeleted = false;
  try {
    const svc = await ctx.kube.call(`read service ${namespace}/${name}`, () => ctx.kube.core.readNamespacedService({ name, namespace }));
    const selector = svc.spec?.selector ?? {};
    const podLabels = deployment.spec?.selector?.matchLabels ?? {};
    const serves = Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => podLabels[k] === v);
    const ours = svc.metadata?.labels?.[MANAGED_BY] === MANAGER || JSON.stringify(selector) === JSON.stringify(selectorOf(name));
    if (ours || serves) {
      await ctx.kube.call(`delete service ${namespace}/${name}`, () => ctx.kube.core.deleteNamespacedService({ name, namespace }));
      serviceDeleted = true;
    }
  } catch (err) {
    if (!(err instanceof AppError && err.status === 404)) throw err;
  }
  ctx.log.info('DEPLOY', `deleted ${namespace}/${name}${serviceDeleted ? ' and its Service' : ''}`);
  return { success: true, message: `Deployment ${name} deleted${serviceDeleted ? ' with its Service' : ''}`, deployment_name: name, namespace };
}
