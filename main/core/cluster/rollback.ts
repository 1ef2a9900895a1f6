// Nothing half-made stays unreported: when a deploy fails after creating something, what it
// created is deleted again (newest first, each retried), and what still cannot be deleted is
// named (namespace/name) in the answer and the log so it can be removed by hand.
import { AppError, toAppError } from '../errors.ts';
import type { CoreContext } from '../context.ts';

export interface Created {
  kind: 'deployment' | 'service' | 'persistentvolumeclaim';
  namespace: string;
  name: string;
  remove: () => Promise<unknown>;
}

/** Attempts per object, with this pause between them. */
export const ROLLBACK_ATTEMPTS = 3;
const PAUSE_MS = 300;

/** Deletes what was created and returns the error to throw: the cause, plus any leftover. */
export async function rollBack(ctx: CoreContext, cause: Error, created: Created[]): Promise<AppError> {
  const err = toAppError(cause);
  const left: { kind: string; object: string; error: string }[] = [];
  for (const c of [...created].reverse()) {
    const object = `${c.namespace}/${c.name}`;
    let last = '';
    let done = false;
    for (let attempt = 1; attempt <= ROLLBACK_ATTEMPTS && !done; attempt++) {
      try {
        await ctx.kube.call(`delete ${c.kind} ${object}`, c.remove);
        done = true;
      } catch (e) {
        if (e instanceof AppError && e.status === 404) done = true;
        else {
          last = (e as Error).message;
          ctx.log.warn('DEPLOY', `rollback: delete ${c.kind} ${object} failed (attempt ${attempt} of ${ROLLBACK_ATTEMPTS}): ${last}`);
          if (attempt < ROLLBACK_ATTEMPTS) await new Promise((r) => setTimeout(r, PAUSE_MS * attempt));
        }
      }
    }
    if (done) ctx.log.info('DEPLOY', `rollback: deleted ${c.kind} ${object}`);
    else left.push({ kind: c.kind, object, error: last });
  }
  if (!left.length) return err;
  const names = left.map((l) => `${l.kind} ${l.object}`).join(', ');
  const how = left.map((l) => `kubectl delete ${l.kind} -n ${l.object.split('/')[0]} ${l.object.split('/')[1]}`).join('; ');
  ctx.log.error('DEPLOY', `rollback incomplete: left behind ${names} (${left.map((l) => l.error).join('; ')}); remove with: ${how}`);
  return new AppError(err.status, `${err.message}; the rollback could not delete ${names}: it is left behind, remove it with: ${how}`, {
    ...err.details,
    left_behind: left.map((l) => `${l.kind} ${l.object}`),
  });
}
