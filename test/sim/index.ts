// The simulated GPU cluster: the Ollama simulator and the Kubernetes API simulator wired
// to it (the ollama-service proxy and the ollama pods' port-forwards reach it).
import { startOllamaSim } from './ollama/server.ts';
import type { OllamaSim, OllamaSimOptions } from './ollama/server.ts';
import { startKubeSim } from './kube/server.ts';
import type { KubeSim, KubeSimOptions } from './kube/server.ts';

export { startKubeSim } from './kube/server.ts';
export type { KubeSim, KubeSimOptions, Faults, KubeconfigOptions } from './kube/server.ts';
export { startOllamaSim } from './ollama/server.ts';

export interface SimClusterOptions extends Omit<KubeSimOptions, 'ollamaUrl'> {
  ollama?: OllamaSimOptions;
  kubeconfigPath?: string; // written when given
}

export interface SimCluster {
  kube: KubeSim;
  ollama: OllamaSim;
  kubeconfigPath?: string;
  close(): Promise<void>;
}

export async function startSimCluster(opts: SimClusterOptions = {}): Promise<SimCluster> {
  const { ollama: ollamaOpts, kubeconfigPath, ...kubeOpts } = opts;
  // The seeded ollama pod is scheduled to the H100 (81559 MiB): its Ollama sees that GPU.
  const ollama = await startOllamaSim({ gpuMemoryGiB: 81559 / 1024, ...ollamaOpts });
  let kube: KubeSim;
  try {
    kube = await startKubeSim({ ...kubeOpts, ollamaUrl: ollama.url });
  } catch (e) {
    await ollama.close();
    throw e;
  }
  if (kubeconfigPath) kube.writeKubeconfig(kubeconfigPath);
  const cluster: SimCluster = {
    kube,
    ollama,
    async close() {
      await Promise.all([kube.close(), ollama.close()]);
    },
  };
  if (kubeconfigPath) cluster.kubeconfigPath = kubeconfigPath;
  return cluster;
}
