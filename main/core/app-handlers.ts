// Handlers of the app's own operations: settings and the kubeconfig's contexts.
import type { Handlers } from '../../preload/contract/index.ts';
import { AppError, badRequest } from './errors.ts';
import type { CoreContext } from './context.ts';

export function createAppHandlers(ctx: CoreContext): Pick<Handlers, 'getSettings' | 'updateSettings' | 'listContexts' | 'startupStatus' | 'retryStartup' | 'rotateRestToken'> {
  // A core that exists has started; main/core/startup.ts answers these while it has not.
  const started = async () => ({ success: true as const, state: 'ready' as const, error: null, hints: [], kubeconfig: ctx.kube.source });
  return {
    startupStatus: started,
    retryStartup: started,

    getSettings: async () => ({ success: true, settings: ctx.settings.get() }),

    updateSettings: async (patch) => {
      // A context that is not in the kubeconfig would leave the app with no cluster: refuse it here.
      if (patch.context && !ctx.kube.kc.getContextObject(patch.context)) {
        throw badRequest(`context "${patch.context}" is not in ${ctx.kube.source}`, { field: 'context' });
      }
      const settings = ctx.settings.update(patch);
      ctx.log.info('SETTINGS', `changed ${Object.keys(patch).join(', ') || 'nothing'}`);
      return { success: true, settings };
    },

    rotateRestToken: async () => {
      if (ctx.env.MODEL_MANAGER_TOKEN) throw new AppError(409, 'the REST token comes from MODEL_MANAGER_TOKEN: change that variable and restart instead');
      const token = ctx.settings.rotateRestToken();
      ctx.log.info('SETTINGS', 'REST token rotated');
      return { success: true, token, message: 'REST token rotated: the old one and the sessions it opened no longer work' };
    },

    listContexts: async () => ({
      success: true,
      current: ctx.kube.context || null,
      contexts: ctx.kube.kc.getContexts().map((c) => ({ name: c.name, cluster: c.cluster, namespace: c.namespace ?? null })),
    }),
  };
}
