// POST /api/delete: the Deployment and its Service, in the namespace asked for (default: the
// app's, as the seed did); never a system deployment or namespace.
import type { DeleteDeploymentResult, ParsedInput } from '../../../preload/contract/index.ts';
import { AppError, badRequest, notFound } from '../errors.ts';
import type { CoreContext } from '../context.ts';
import { selectorOf } from './manifests.ts';
import { isManaged, selects } from '../kube/labels.ts';
import { systemRefusal } from './system.ts';

export async function deleteDeployment(ctx: CoreContext, input: ParsedInput<'deleteDeployment'>): Promise<DeleteDeploymentResult> {
  const name = input.deployment_name;
  const namespace = input.namespace ?? ctx.kube.namespace;
  const refused = systemRefusal(namespace, name, 'deleted');
  if (refused) throw badRequest(refused.message, { field: refused.field });

  let deployment;
  try {
    deployment = await ctx.kube.call(`read deployment ${namespace}/${name}`, () => ctx.kube.apps.readNamespacedDeployment({ name, namespace }));
  } catch (err) {
    if (err instanceof AppError && err.status === 404) throw notFound(`deployment ${namespace}/${name} not found`, { field: 'deployment_name', namespace });
    throw err;
  }
  await ctx.kube.call(`delete deployment ${namespace}/${name}`, () => ctx.kube.apps.deleteNamespacedDeployment({ name, namespace, propagationPolicy: 'Background' }));

  // The Service of the same name goes too when it is ours or serves this deployment's pods.
  let serviceDeleted = false;
  try {
    const svc = await ctx.kube.call(`read service ${namespace}/${name}`, () => ctx.kube.core.readNamespacedService({ name, namespace }));
    const selector = svc.spec?.selector ?? {};
    const podLabels = deployment.spec?.selector?.matchLabels ?? {};
    const serves = selects(selector, podLabels);
    const ours = isManaged(svc.metadata?.labels) || JSON.stringify(selector) === JSON.stringify(selectorOf(name));
    if (ours || serves) {
      await ctx.kube.call(`delete service ${namespace}/${name}`, () => ctx.kube.core.deleteNamespacedService({ name, namespace }));
      serviceDeleted = true;
    }
  } catch (err) {
    if (!(err instanceof AppError && err.status === 404)) throw err;
  }
  ctx.log.info('DEPLOY', `deleted ${namespace}/${name}${serviceDeleted ? ' and its Service' : ''}`);
  return { success: true, message: `Deployment ${namespace}/${name} deleted${serviceDeleted ? ' with its Service' : ''}`, deployment_name: name, namespace };
}
