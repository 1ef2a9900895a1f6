// In a pod, the names its Service answers to are this server's own: clients in the cluster
// reach it as model-manager, model-manager.NS, model-manager.NS.svc or the full
// cluster.local name, so those pass the Host check without --allow-host. Outside a pod: none.
export function serviceHostNames(env: NodeJS.ProcessEnv): string[] {
  if (!env.KUBERNETES_SERVICE_HOST) return [];
  const service = env.MODEL_MANAGER_SERVICE_NAME || 'model-manager';
  const namespace = env.POD_NAMESPACE;
  const domain = env.CLUSTER_DOMAIN || 'cluster.local';
  if (!namespace) return [service];
  return [service, `${service}.${namespace}`, `${service}.${namespace}.svc`, `${service}.${namespace}.svc.${domain}`];
}
