// RBAC as the API server's authorizer evaluates it (plugin/pkg/auth/authorizer/rbac/rbac.go
// and pkg/apis/rbac/v1/evaluation_helpers.go): a request is allowed when a RoleBinding in its
// namespace or a ClusterRoleBinding names the user (User), one of its groups (Group) or its
// service account (ServiceAccount), and the bound Role or ClusterRole has a rule matching the
// verb, API group, resource (or resource/subresource) and, if listed, the resource name.
// Also the default ClusterRoles a cluster starts with (bootstrap policy, trimmed to what is
// served here) and the rules a user has in a namespace (SelfSubjectRulesReview).
/* eslint-disable @typescript-eslint/no-explicit-any */
import type { KObj } from './types.ts';
import type { Store } from './store.ts';
import { findResource } from './resources.ts';

export interface Attrs { verb: string; group: string; resource: string; subresource?: string; namespace?: string; name?: string }
export interface Subject { name: string; groups: string[] }

const R = (plural: string) => findResource('rbac.authorization.k8s.io', plural)!;

function has(list: string[] | undefined, v: string): boolean {
  return (list ?? []).some((x) => x === '*' || x === v);
}

export function ruleAllows(rule: any, a: Attrs): boolean {
  if (!has(rule.verbs, a.verb) || !has(rule.apiGroups, a.group)) return false;
  const res = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const resources: string[] = rule.resources ?? [];
  const resOk = resources.some((x) => x === '*' || x === res || (a.subresource !== undefined && x === `*/${a.subresource}`));
  if (!resOk) return false;
  const names: string[] = rule.resourceNames ?? [];
  return names.length === 0 || (a.name !== undefined && names.includes(a.name));
}

function subjectMatches(s: any, u: Subject, bindingNs: string | undefined): boolean {
  if (s.kind === 'User') return s.name === u.name;
  if (s.kind === 'Group') return u.groups.includes(s.name);
  if (s.kind === 'ServiceAccount') return u.name === `system:serviceaccount:${s.namespace ?? bindingNs}:${s.name}`;
  return false;
}

function roleRules(store: Store, ref: any, ns: string | undefined): any[] {
  if (ref?.kind === 'ClusterRole') return store.getEntry(R('clusterroles'), undefined, ref.name)?.obj.rules ?? [];
  if (ref?.kind === 'Role' && ns) return store.getEntry(R('roles'), ns, ref.name)?.obj.rules ?? [];
  return [];
}

/** The bindings that apply to a user in a namespace (cluster bindings always), with their rules. */
function grants(store: Store, u: Subject, ns: string | undefined): { binding: KObj; cluster: boolean; rules: any[] }[] {
  const out: { binding: KObj; cluster: boolean; rules: any[] }[] = [];
  for (const e of store.entries(R('clusterrolebindings'))) {
    if ((e.obj.subjects ?? []).some((s: any) => subjectMatches(s, u, undefined))) out.push({ binding: e.obj, cluster: true, rules: roleRules(store, e.obj.roleRef, undefined) });
  }
  if (ns) {
    for (const e of store.entries(R('rolebindings'), ns)) {
      if ((e.obj.subjects ?? []).some((s: any) => subjectMatches(s, u, ns))) out.push({ binding: e.obj, cluster: false, rules: roleRules(store, e.obj.roleRef, ns) });
    }
  }
  return out;
}

/** RBAC's decision, with the reason the real authorizer gives when it allows. */
export function rbacDecide(store: Store, u: Subject, a: Attrs): { allowed: boolean; reason: string } {
  for (const g of grants(store, u, a.namespace)) {
    if (!g.rules.some((r) => ruleAllows(r, a))) continue;
    const b = g.binding;
    const where = g.cluster ? `ClusterRoleBinding "${b.metadata.name}"` : `RoleBinding "${b.metadata.name}/${b.metadata.namespace}"`;
    const s = (b.subjects ?? []).find((x: any) => subjectMatches(x, u, b.metadata.namespace));
    const who = s.kind === 'ServiceAccount' ? `ServiceAccount "${s.name}/${s.namespace ?? b.metadata.namespace}"` : `${s.kind} "${s.name}"`;
    return { allowed: true, reason: `RBAC: allowed by ${where} of ${b.roleRef.kind} "${b.roleRef.name}" to ${who}` };
  }
  return { allowed: false, reason: '' };
}

/** Every rule a user has in a namespace (SelfSubjectRulesReview), resource and non-resource. */
export function rbacRules(store: Store, u: Subject, ns: string): { resourceRules: any[]; nonResourceRules: any[] } {
  const resourceRules: any[] = [];
  const nonResourceRules: any[] = [];
  for (const g of grants(store, u, ns)) {
    for (const r of g.rules) {
      if (r.nonResourceURLs) nonResourceRules.push({ verbs: r.verbs, nonResourceURLs: r.nonResourceURLs });
      else resourceRules.push({ verbs: r.verbs, apiGroups: r.apiGroups, resources: r.resources, ...(r.resourceNames ? { resourceNames: r.resourceNames } : {}) });
    }
  }
  return { resourceRules, nonResourceRules };
}

const read = ['get', 'list', 'watch'];
const write = ['create', 'delete', 'deletecollection', 'patch', 'update'];
const viewable = { core: ['configmaps', 'endpoints', 'persistentvolumeclaims', 'persistentvolumeclaims/status', 'pods', 'pods/log', 'pods/status', 'replicationcontrollers', 'serviceaccounts', 'services', 'services/status', 'events', 'namespaces/status', 'bindings', 'limitranges', 'resourcequotas'],
  apps: ['deployments', 'deployments/scale', 'deployments/status', 'replicasets', 'replicasets/scale', 'replicasets/status', 'statefulsets', 'daemonsets'] };

/** The bootstrap ClusterRoles (plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go), for what the simulator serves. */
export function seedRbac(store: Store): void {
  const cr = R('clusterroles');
  const crb = R('clusterrolebindings');
  const role = (name: string, rules: any[], labels: Record<string, string> = { 'kubernetes.io/bootstrapping': 'rbac-defaults' }) =>
    store.create(cr, { metadata: { name, labels, annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true' } }, rules });
  role('cluster-admin', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }, { nonResourceURLs: ['*'], verbs: ['*'] }]);
  const view = [
    { apiGroups: [''], resources: viewable.core, verbs: read },
    { apiGroups: [''], resources: ['namespaces'], verbs: read },
    { apiGroups: ['apps'], resources: viewable.apps, verbs: read },
    { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: read },
    { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: read },
  ];
  const edit = [
    { apiGroups: [''], resources: ['pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy', 'secrets', 'services/proxy'], verbs: read },
    { apiGroups: [''], resources: ['serviceaccounts'], verbs: ['impersonate'] },
    { apiGroups: [''], resources: ['pods', 'pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy'], verbs: write },
    { apiGroups: [''], resources: ['serviceaccounts/token'], verbs: ['create'] },
    { apiGroups: [''], resources: ['configmaps', 'events', 'persistentvolumeclaims', 'replicationcontrollers', 'replicationcontrollers/scale', 'secrets', 'serviceaccounts', 'services', 'services/proxy'], verbs: write },
    { apiGroups: ['apps'], resources: ['daemonsets', 'deployments', 'deployments/rollback', 'deployments/scale', 'replicasets', 'replicasets/scale', 'statefulsets', 'statefulsets/scale'], verbs: write },
    ...view,
  ];
  const admin = [
    { apiGroups: ['authorization.k8s.io'], resources: ['localsubjectaccessreviews'], verbs: ['create'] },
    { apiGroups: ['rbac.authorization.k8s.io'], resources: ['rolebindings', 'roles'], verbs: [...read, ...write] },
    ...edit,
  ];
  role('admin', admin, { 'kubernetes.io/bootstrapping': 'rbac-defaults' });
  role('edit', edit, { 'kubernetes.io/bootstrapping': 'rbac-defaults', 'rbac.authorization.k8s.io/aggregate-to-admin': 'true' });
  role('view', view, { 'kubernetes.io/bootstrapping': 'rbac-defaults', 'rbac.authorization.k8s.io/aggregate-to-edit': 'true' });
  role('system:basic-user', [{ apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'], verbs: ['create'] },
    { apiGroups: ['authentication.k8s.io'], resources: ['selfsubjectreviews'], verbs: ['create'] }]);
  role('system:discovery', [{ nonResourceURLs: ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*', '/readyz', '/version', '/version/'], verbs: ['get'] }]);
  const bind = (name: string, roleName: string, group: string) => store.create(crb, {
    metadata: { name, labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' }, annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true' } },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: group }],
  });
  bind('cluster-admin', 'cluster-admin', 'system:masters');
  bind('system:basic-user', 'system:basic-user', 'system:authenticated');
  bind('system:discovery', 'system:discovery', 'system:authenticated');
}
