// Ollama through a port-forward: a loopback net.Server of ours whose every connection is
// tunnelled (client-node PortForward, websocket through the API server) to a ready pod
// behind ollama-service. When that pod goes away the tunnel closes, and the next
// connection picks a ready pod again.
import { createServer, type Server, type Socket } from 'node:net';
import * as k8s from '@kubernetes/client-node';
import type { KubeClient } from '../kube/client.ts';
import type { Logger } from '../log.ts';
import { keepAliveAgent, type OllamaRoute } from './route.ts';
import { OLLAMA_PORT } from '../ollama-port.ts';
import { OLLAMA_SERVICE } from './service-proxy.ts';

type V1Pod = k8s.V1Pod;

export async function portForwardRoute(kube: KubeClient, log: Logger): Promise<OllamaRoute> {
  const tunnel = new PortForwardTunnel(kube, log);
  await tunnel.listen();
  const base = `http://127.0.0.1:${tunnel.port}`;
  const dispatcher = keepAliveAgent();
  return {
    kind: 'port-forward',
    base,
    dispatcher,
    headers: async () => ({}),
    info: () => ({ kind: 'port-forward', url: tunnel.pod ? `${base} (pod ${kube.namespace}/${tunnel.pod})` : base }),
    async close() {
      await dispatcher.close();
      await tunnel.close();
    },
  };
}

export class PortForwardTunnel {
  readonly #kube: KubeClient;
  readonly #log: Logger;
  readonly #pf: k8s.PortForward;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  #pod: string | null = null;
  #checkedAt = 0;

  constructor(kube: KubeClient, log: Logger) {
    this.#kube = kube;
    this.#log = log;
    this.#pf = new k8s.PortForward(kube.kc, true);
    this.#server = createServer((sock) => void this.#tunnel(sock));
  }

  get pod(): string | null {
    return this.#pod;
  }

  get port(): number {
    const addr = this.#server.address();
    return addr && typeof addr === 'object' ? addr.port : 0;
  }

  async listen(): Promise<void> {
    // A pod must be there before we call it a route.
    await this.#readyPod();
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(0, '127.0.0.1', () => resolve());
    });
  }

  async #tunnel(sock: Socket): Promise<void> {
    this.#sockets.add(sock);
    sock.on('close', () => this.#sockets.delete(sock));
    sock.on('error', () => sock.destroy());
    sock.pause();
    try {
      const pod = await this.#readyPod();
      const ws = (await this.#pf.portForward(this.#kube.namespace, pod, [OLLAMA_PORT], sock, null, sock)) as unknown as {
        on(event: string, fn: (...args: unknown[]) => void): void;
        close(): void;
      };
      ws.on('close', () => {
        sock.end();
        // The pod may have gone: look again on the next connection.
        this.#checkedAt = 0;
      });
      ws.on('error', () => sock.destroy());
      sock.on('close', () => ws.close());
      sock.resume();
    } catch (err) {
      this.#checkedAt = 0;
      this.#log.warn('OLLAMA', `port-forward to ${this.#kube.namespace}/${this.#pod ?? OLLAMA_SERVICE} failed: ${(err as Error).message}`);
      sock.destroy();
    }
  }

  /** The pod in use while it is still there and ready (checked at most every few seconds), else a new one. */
  async #readyPod(): Promise<string> {
    const kube = this.#kube;
    const ns = kube.namespace;
    if (this.#pod && Date.now() - this.#checkedAt < 3_000) return this.#pod;
    if (this.#pod) {
      const name = this.#pod;
      const pod = await kube.call(`read pod ${name}`, () => kube.core.readNamespacedPod({ name, namespace: ns })).catch(() => null);
      if (pod && isReady(pod) && !pod.metadata?.deletionTimestamp) {
        this.#checkedAt = Date.now();
        return name;
      }
      this.#log.info('OLLAMA', `pod ${ns}/${name} is gone or not ready; port-forward picks another`);
    }
    const svc = await kube.call(`read service ${OLLAMA_SERVICE}`, () => kube.core.readNamespacedService({ name: OLLAMA_SERVICE, namespace: ns }));
    const selector = svc.spec?.selector;
    if (!selector || !Object.keys(selector).length) throw new Error(`service ${ns}/${OLLAMA_SERVICE} has no selector`);
    const labelSelector = Object.entries(selector)
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    const pods = await kube.call(`list pods of ${OLLAMA_SERVICE}`, () => kube.core.listNamespacedPod({ namespace: ns, labelSelector }));
    const ready = pods.items.find((p) => isReady(p) && !p.metadata?.deletionTimestamp);
    if (!ready?.metadata?.name) throw new Error(`no ready pod behind ${ns}/${OLLAMA_SERVICE}`);
    if (ready.metadata.name !== this.#pod) this.#log.info('OLLAMA', `port-forward to pod ${ns}/${ready.metadata.name}`);
    this.#pod = ready.metadata.name;
    this.#checkedAt = Date.now();
    return this.#pod;
  }

  async close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

function isReady(pod: V1Pod): boolean {
  return pod.status?.phase === 'Running' && !!pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
}
