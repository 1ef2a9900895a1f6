// POST /api/delete: the Deployment, its Service and the claim the app made for its models
// (unless asked to keep it), in the namespace asked for (default: the app's, as the seed did);
// never a system deployment or namespace. A claim the operator chose (existing) is never deleted.
import type { DeleteDeploymentResult, ParsedInput } from '../../../preload/contract/index.ts';
import { AppError, badRequest, notFound } from '../errors.ts';
import type { CoreContext } from '../context.ts';
import { CLAIM_ANNOTATION, CLAIM_CREATED_ANNOTATION, selectorOf } from './manifests.ts';
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
  // The claim goes too when this app created it for this deployment (the models pulled into it go with it).
  const annotations = deployment.metadata?.annotations ?? {};
  const claim = annotations[CLAIM_ANNOTATION];
  let claimDeleted: string | undefined;
  let claimKept: string | undefined;
  if (claim && annotations[CLAIM_CREATED_ANNOTATION] === 'true' && isManaged(deployment.metadata?.labels)) {
    if (input.keep_claim) claimKept = `${namespace}/${claim}`;
    else {
      try {
        await ctx.kube.call(`delete persistentvolumeclaim ${namespace}/${claim}`, () => ctx.kube.core.deleteNamespacedPersistentVolumeClaim({ name: claim, namespace }));
        claimDeleted = `${namespace}/${claim}`;
      } catch (err) {
        if (!(err instanceof AppError && err.status === 404)) throw err;
      }
    }
  }
  // A claim a pod still uses is only marked for deletion (StorageObjectInUseProtection): it goes
  // with the models in it once the deployment's pods are gone, which is moments after this.
  const parts = [serviceDeleted ? 'its Service' : '', claimDeleted ? `its claim ${claimDeleted} (with the models pulled into it, once its pods are gone)` : ''].filter(Boolean);
  const kept = claimKept ? `; claim ${claimKept} kept with its models` : '';
  ctx.log.info('DEPLOY', `deleted ${namespace}/${name}${parts.length ? ` with ${parts.join(' and ')}` : ''}${kept}`);
  const result: DeleteDeploymentResult = { success: true, message: `Deployment ${namespace}/${name} deleted${parts.length ? ` with ${parts.join(' and ')}` : ''}${kept}`, deployment_name: name, namespace };
  if (claimDeleted) result.claim_deleted = claimDeleted;
  if (claimKept) result.claim_kept = claimKept;
  return result;
}
