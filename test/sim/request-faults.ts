// A fault switch of the kube simulator: the next requests of one verb on one resource (in a
// namespace, of a name) fail with an API server error, e.g. "the next 5 deletes of
// deployments in model-hosting answer 500", to test what a client does when its cleanup fails.
import type { ApiPath } from './kube/paths.ts';
import { errors } from './kube/status.ts';

export interface RequestFault {
  verb: 'create' | 'delete' | 'get' | 'update' | 'patch' | 'list';
  /** Plural: deployments, services, persistentvolumeclaims... */
  resource: string;
  namespace?: string;
  /** Not matched for create (the name is in the body). */
  name?: string;
  remaining: number;
  status: 500 | 503;
}

export class RequestFaults {
  readonly active: RequestFault[] = [];
  /** Requests failed so far, as "verb resource namespace/name". */
  readonly failed: string[] = [];

  failNext(f: Omit<RequestFault, 'remaining' | 'status'> & { count?: number; status?: 500 | 503 }): void {
    const { count, status, ...rest } = f;
    this.active.push({ ...rest, remaining: count ?? 1, status: status ?? 500 });
  }

  clear(): void {
    this.active.length = 0;
  }

  /** Throws the API server's error when a fault matches this request. */
  check(verb: string, p: ApiPath): void {
    const f = this.active.find((x) => x.remaining > 0 && x.verb === verb && x.resource === p.r.plural && (!x.namespace || x.namespace === p.namespace) && (!x.name || verb === 'create' || x.name === p.name));
    if (!f) return;
    f.remaining--;
    this.failed.push(`${verb} ${p.r.plural} ${p.namespace ?? ''}/${p.name ?? ''}`);
    throw f.status === 503 ? errors.serviceUnavailable('the server is currently unable to handle the request') : errors.internal(`simulated failure of ${verb} ${p.r.plural}`);
  }
}
