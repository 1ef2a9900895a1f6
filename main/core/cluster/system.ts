// What the app never lists or deletes: its own deployments and the system namespaces (seed).
export const SYSTEM_DEPLOYMENTS = new Set(['model-manager', 'model-dashboard']);
export const SYSTEM_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease']);

export const isSystem = (namespace: string, name: string): boolean => SYSTEM_DEPLOYMENTS.has(name) || SYSTEM_NAMESPACES.has(namespace);

/**
 * Why the app refuses to touch namespace/name, or null. A 400 naming the field (not a 403): it is
 * the app's own rule, checked before Kubernetes is called, so it is never confused with RBAC.
 */
export function systemRefusal(namespace: string, name: string, verb: 'deleted' | 'deployed'): { message: string; field: 'namespace' | 'deployment_name' } | null {
  if (SYSTEM_NAMESPACES.has(namespace)) return { message: `namespace ${namespace} is a system namespace: nothing is ${verb} there (${namespace}/${name})`, field: 'namespace' };
  if (SYSTEM_DEPLOYMENTS.has(name)) return { message: `deployment_name "${name}" is a system deployment: ${namespace}/${name} is never ${verb} by this app`, field: 'deployment_name' };
  return null;
}

export const NAME_LABEL = 'app.kubernetes.io/name';
export const MODEL_LABEL = 'model-manager/model';
export const MODEL_ID_ANNOTATION = 'model-manager/model-id';
export const ESTIMATE_METHOD_ANNOTATION = 'model-manager/estimate-method';
