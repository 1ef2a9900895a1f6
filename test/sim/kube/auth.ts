// Bearer-token authentication and the one authorization rule the simulator has:
// the read-only user may get, list and watch, and nothing else.
import type { IncomingMessage } from 'node:http';
import type { ResourceInfo } from './resources.ts';
import { qualified } from './resources.ts';
import { errors } from './status.ts';

export interface User {
  name: string;
  readOnly: boolean;
}

export class Authenticator {
  private users = new Map<string, User>();

  add(token: string, user: User): void {
    this.users.set(token, user);
  }

  /** The user for a request; undefined for no token at all (anonymous). A wrong token is a 401. */
  authenticate(req: IncomingMessage): User | undefined {
    const h = req.headers.authorization;
    if (!h) return undefined;
    const m = /^Bearer\s+(.+)$/i.exec(h);
    const user = m ? this.users.get(m[1]!.trim()) : undefined;
    if (!user) throw errors.unauthorized();
    return user;
  }
}

const readVerbs = new Set(['get', 'list', 'watch']);

export function authorize(
  user: User,
  verb: string,
  r: ResourceInfo,
  namespace: string | undefined,
  name?: string,
  subresource?: string,
): void {
  if (!user.readOnly || readVerbs.has(verb)) return;
  const what = name ? `${qualified(r)} "${name}"` : qualified(r);
  const resource = subresource ? `${r.plural}/${subresource}` : r.plural;
  const scope = namespace ? `in the namespace "${namespace}"` : 'at the cluster scope';
  throw errors.forbidden(
    `${what} is forbidden: User "${user.name}" cannot ${verb} resource "${resource}" in API group "${r.group}" ${scope}`,
    r,
    name,
  );
}
