// GET /api/pods/logs: the end of a pod's log with the kubelet's timestamps (kubectl logs
// --timestamps --tail), or only the lines from `since_time` on, so the UI can follow a log by
// asking again for what came since its last line.
import type { ParsedInput, PodLogsResult } from '../../../preload/contract/index.ts';
import type { CoreContext } from '../context.ts';
import { AppError, notFound } from '../errors.ts';

export async function podLogs(ctx: CoreContext, input: ParsedInput<'podLogs'>): Promise<PodLogsResult> {
  const { namespace, pod, container, since_time } = input;
  const tailLines = input.tail_lines ?? 200;
  let text: string;
  try {
    text = await ctx.kube.call(`read log of pod ${namespace}/${pod}`, () =>
      ctx.kube.core.readNamespacedPodLog({ name: pod, namespace, timestamps: true, tailLines, ...(container ? { container } : {}), ...(since_time ? { sinceTime: since_time } : {}) }),
    );
  } catch (err) {
    if (err instanceof AppError && err.status === 404) throw notFound(`pod ${namespace}/${pod} not found`, { field: 'pod', namespace });
    throw err;
  }
  const lines = String(text ?? '')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const sp = l.indexOf(' ');
      return sp > 0 && /^\d{4}-\d\d-\d\dT/.test(l) ? { time: l.slice(0, sp), text: l.slice(sp + 1) } : { time: '', text: l };
    });
  // sinceTime is inclusive, as at the API server (lines share timestamps): the UI drops the ones it has.
  return { success: true, namespace, pod, container: container ?? null, lines };
}
