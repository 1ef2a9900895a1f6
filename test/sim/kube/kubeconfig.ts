// A kubeconfig for the simulator: one cluster with the CA inline, one token user.
export interface KubeconfigOptions {
  token?: string;
  namespace?: string;
  context?: string;
}

function q(s: string): string {
  return JSON.stringify(s); // a JSON string is a valid YAML double-quoted scalar
}

export function renderKubeconfig(server: string, caPem: string, token: string, o: KubeconfigOptions = {}): string {
  const context = o.context ?? 'sim';
  const namespace = o.namespace ?? 'model-hosting';
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${q(context)}`,
    '  cluster:',
    `    server: ${q(server)}`,
    `    certificate-authority-data: ${Buffer.from(caPem).toString('base64')}`,
    'contexts:',
    `- name: ${q(context)}`,
    '  context:',
    `    cluster: ${q(context)}`,
    `    user: ${q(`${context}-user`)}`,
    `    namespace: ${q(namespace)}`,
    `current-context: ${q(context)}`,
    'users:',
    `- name: ${q(`${context}-user`)}`,
    '  user:',
    `    token: ${q(o.token ?? token)}`,
    'preferences: {}',
    '',
  ].join('\n');
}
