// What the app never lists or deletes: its own deployments and the system namespaces (seed).
export const SYSTEM_DEPLOYMENTS = new Set(['model-manager', 'model-dashboard']);
export const SYSTEM_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease']);

export const isSystem = (namespace: string, name: string): boolean => SYSTEM_DEPLOYMENTS.has(name) || SYSTEM_NAMESPACES.has(namespace);

export const MANAGED_BY = 'app.kubernetes.io/managed-by';
export const MANAGER = 'kubernetes-model-manager';
export const NAME_LABEL = 'app.kubernetes.io/name';
export const MODEL_LABEL = 'model-manager/model';
export const MODEL_ID_ANNOTATION = 'model-manager/model-id';
export const ESTIMATE_METHOD_ANNOTATION = 'model-manager/estimate-method';
