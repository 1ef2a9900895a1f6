// Authentication (bearer tokens, and TLS client certificates signed by the simulator's CA:
// CN = user, O = groups, as the real x509 authenticator reads them) and the few
// authorization rules the simulator has: the read-only user may get, list and watch; a
// namespaced user may do anything in its namespace and nothing outside it (as a RoleBinding
// to "admin" in one namespace gives). Service-account tokens minted through TokenRequest, and
// users marked rbac, are authorized by the RBAC objects in the store instead (rbac.ts).
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { ResourceInfo } from './resources.ts';
import { qualified } from './resources.ts';
import { errors } from './status.ts';
import type { Store } from './store.ts';
import { rbacDecide } from './rbac.ts';
import type { Attrs } from './rbac.ts';

export interface User {
  name: string;
  readOnly: boolean;
  groups?: string[];
  /** Confined to this namespace: no cluster-scoped resources, no all-namespaces lists. */
  namespace?: string;
  /** Authorized by Roles, ClusterRoles and their bindings in the store, as a real cluster does. */
  rbac?: boolean;
}

/** Certificate users: O=system:masters has full access; O=sim:viewers reads only; anything else is unknown. */
export const CERT_ADMIN_GROUP = 'system:masters';
export const CERT_VIEWER_GROUP = 'sim:viewers';

function asList(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

export class Authenticator {
  private users = new Map<string, User>();

  add(token: string, user: User): void {
    this.users.set(token, user);
  }

  /** The user of a verified client certificate, undefined without one; a certificate the CA did not sign is a 401. */
  private certUser(req: IncomingMessage): User | undefined {
    const sock = req.socket as TLSSocket;
    if (typeof sock.getPeerCertificate !== 'function') return undefined;
    const cert = sock.getPeerCertificate();
    if (!cert || !cert.subject) return undefined;
    if (!sock.authorized) throw errors.unauthorized();
    const name = asList(cert.subject.CN)[0];
    const groups = asList(cert.subject.O);
    if (!name) throw errors.unauthorized();
    if (groups.includes(CERT_ADMIN_GROUP)) return { name, groups, readOnly: false };
    // A valid certificate of a user no role binds: authenticated, allowed to read only.
    return { name, groups, readOnly: true };
  }

  /** The user for a request; undefined for no credential at all (anonymous). A wrong token or certificate is a 401. */
  authenticate(req: IncomingMessage): User | undefined {
    // The x509 authenticator runs before the token one on a real API server.
    const byCert = this.certUser(req);
    if (byCert) return byCert;
    const h = req.headers.authorization;
    if (!h) return undefined;
    const m = /^Bearer\s+(.+)$/i.exec(h);
    const user = m ? this.users.get(m[1]!.trim()) : undefined;
    if (!user) throw errors.unauthorized();
    return user;
  }
}

const readVerbs = new Set(['get', 'list', 'watch']);

/** The groups a user has on a real cluster: its own plus system:authenticated (and the service-account ones). */
export function groupsOf(user: User): string[] {
  const g = new Set(user.groups ?? []);
  const sa = /^system:serviceaccount:([^:]+):/.exec(user.name);
  if (sa) {
    g.add('system:serviceaccounts');
    g.add(`system:serviceaccounts:${sa[1]}`);
  }
  g.add('system:authenticated');
  return [...g];
}

/** Whether a user may do something, and why (the authorizer's reason, as SubjectAccessReview status carries it). */
export function decide(user: User, a: Attrs, store?: Store): { allowed: boolean; reason: string } {
  // What every authenticated user may do (ClusterRole system:basic-user).
  if (a.group === 'authorization.k8s.io' && (a.resource === 'selfsubjectaccessreviews' || a.resource === 'selfsubjectrulesreviews') && a.verb === 'create')
    return { allowed: true, reason: 'RBAC: allowed by ClusterRoleBinding "system:basic-user" of ClusterRole "system:basic-user" to Group "system:authenticated"' };
  if (user.rbac) return store ? rbacDecide(store, { name: user.name, groups: groupsOf(user) }, a) : { allowed: false, reason: '' };
  if (user.namespace !== undefined && a.namespace !== user.namespace) return { allowed: false, reason: '' };
  if (!user.readOnly || readVerbs.has(a.verb)) return { allowed: true, reason: user.groups?.includes(CERT_ADMIN_GROUP)
    ? 'RBAC: allowed by ClusterRoleBinding "cluster-admin" of ClusterRole "cluster-admin" to Group "system:masters"' : '' };
  return { allowed: false, reason: '' };
}

function forbidden(user: User, verb: string, r: ResourceInfo, namespace: string | undefined, name?: string, subresource?: string) {
  const what = name ? `${qualified(r)} "${name}"` : qualified(r);
  const resource = subresource ? `${r.plural}/${subresource}` : r.plural;
  const scope = namespace ? `in the namespace "${namespace}"` : 'at the cluster scope';
  return errors.forbidden(
    `${what} is forbidden: User "${user.name}" cannot ${verb} resource "${resource}" in API group "${r.group}" ${scope}`,
    r,
    name,
  );
}

export function authorize(
  user: User,
  verb: string,
  r: ResourceInfo,
  namespace: string | undefined,
  name?: string,
  subresource?: string,
  store?: Store,
): void {
  const a: Attrs = { verb, group: r.group, resource: r.plural };
  if (subresource) a.subresource = subresource;
  if (namespace) a.namespace = namespace;
  if (name) a.name = name;
  if (!decide(user, a, store).allowed) throw forbidden(user, verb, r, namespace, name, subresource);
}
