// A kubeconfig for the simulator: one cluster with the CA inline and one user, in the
// forms real clusters hand out: a bearer token (service accounts, the default), a client
// certificate (kind, kubeadm, k3s, minikube) or an exec plugin (EKS, GKE, AKS).
export interface KubeconfigOptions {
  token?: string;
  namespace?: string;
  context?: string;
  /** How the user authenticates; default 'token'. */
  auth?: 'token' | 'client-cert' | 'exec';
  /** For 'client-cert': which certificate (default the admin one). */
  clientCert?: { certPem: string; keyPem: string };
  /** For 'exec': the command (default `node`, as kubeconfigs name it; tests may pass process.execPath). */
  execCommand?: string;
  /** For 'exec': seconds until the credential the plugin prints expires (none by default). */
  execTtlSeconds?: number;
  /** For 'exec': a file the plugin appends a line to at every run (tests count the runs). */
  execCountFile?: string;
  /** For 'exec': the plugin prints this on stderr and exits 1 (e.g. a failed token refresh). */
  execFailWith?: string;
}

/** What renderKubeconfig needs besides the options: the server, its CA and the credentials. */
export interface KubeconfigSource {
  server: string;
  caPem: string;
  token: string;
  /** The admin client certificate. */
  clientCert: { certPem: string; keyPem: string };
  /** Absolute path of the exec plugin script. */
  execScript: string;
}

function q(s: string): string {
  return JSON.stringify(s); // a JSON string is a valid YAML double-quoted scalar
}

const b64 = (s: string) => Buffer.from(s).toString('base64');

function userLines(src: KubeconfigSource, o: KubeconfigOptions): string[] {
  const token = o.token ?? src.token;
  switch (o.auth ?? 'token') {
    case 'client-cert': {
      const c = o.clientCert ?? src.clientCert;
      return [`    client-certificate-data: ${b64(c.certPem)}`, `    client-key-data: ${b64(c.keyPem)}`];
    }
    case 'exec': {
      const env = [['KUBE_SIM_EXEC_TOKEN', token]];
      if (o.execTtlSeconds !== undefined) env.push(['KUBE_SIM_EXEC_TTL_SECONDS', String(o.execTtlSeconds)]);
      if (o.execCountFile) env.push(['KUBE_SIM_EXEC_COUNT_FILE', o.execCountFile]);
      if (o.execFailWith) env.push(['KUBE_SIM_EXEC_FAIL_WITH', o.execFailWith]);
      return [
        '    exec:',
        '      apiVersion: client.authentication.k8s.io/v1',
        `      command: ${q(o.execCommand ?? 'node')}`,
        '      args:',
        `      - ${q(src.execScript)}`,
        '      env:',
        ...env.flatMap(([name, value]) => [`      - name: ${q(name!)}`, `        value: ${q(value!)}`]),
        '      interactiveMode: Never',
        '      provideClusterInfo: false',
      ];
    }
    default:
      return [`    token: ${q(token)}`];
  }
}

export function renderKubeconfig(src: KubeconfigSource, o: KubeconfigOptions = {}): string {
  const context = o.context ?? 'sim';
  const namespace = o.namespace ?? 'model-hosting';
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${q(context)}`,
    '  cluster:',
    `    server: ${q(src.server)}`,
    `    certificate-authority-data: ${b64(src.caPem)}`,
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
    ...userLines(src, o),
    'preferences: {}',
    '',
  ].join('\n');
}
