// startKubeSim: a Kubernetes API server on loopback over HTTPS with bearer tokens, client
// certificates and an exec plugin, the seeded GPU cluster, a controller, faults, service
// proxy and port-forward.
import https from 'node:https';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { makeSimPki } from './pki.ts';
import type { ClientCert } from './pki.ts';
import { Store } from './store.ts';
import { createFaults, WatchRegistry } from './faults.ts';
import type { Faults } from './faults.ts';
import type { SimContext } from './context.ts';
import { Scheduler } from './scheduler.ts';
import { Kubelet } from './kubelet.ts';
import { DeploymentController } from './controller.ts';
import { GarbageCollector } from './gc.ts';
import { EndpointsController } from './endpoints.ts';
import { seedRbac } from './rbac.ts';
import { seedStorage, StorageController } from './storage.ts';
import { ServiceAccountsController } from './serviceaccounts.ts';
import { serveReview, serveTokenRequest } from './reviews.ts';
import { EventRecorder } from './events.ts';
import { PodLogs } from './podlogs.ts';
import { CrashLoops } from './crashloop.ts';
import { seedCluster } from './seed.ts';
import { Authenticator, authorize, CERT_ADMIN_GROUP, CERT_VIEWER_GROUP } from './auth.ts';
import type { User } from './auth.ts';
import { ApiError, errors } from './status.ts';
import { sendError } from './http.ts';
import { serveDiscovery } from './discovery.ts';
import { parseApiPath } from './paths.ts';
import type { ApiPath } from './paths.ts';
import { handleCrud } from './rest.ts';
import { handleSubresource } from './subresources.ts';
import { serveProxy } from './proxy.ts';
import { KubeletUpgradeError, PortForwards, servePortForward } from './portforward.ts';
import { isWebSocketUpgrade } from './websocket.ts';
import { handleControl } from './control.ts';
import { renderKubeconfig } from './kubeconfig.ts';
import { resourceFor } from './resources.ts';
import { PodOllamas } from '../pod-ollama.ts';
import { bindClaims } from '../pvc-binder.ts';
import { RequestFaults } from '../request-faults.ts';
import { queryBool } from './query.ts';
import type { KubeconfigOptions } from './kubeconfig.ts';

export type { Faults } from './faults.ts';
export type { KubeconfigOptions } from './kubeconfig.ts';
export type { ClientCert } from './pki.ts';
export type { PortForwardRecord, PortForwards } from './portforward.ts';
export { Store } from './store.ts';

export interface KubeSimOptions {
  port?: number; // 0 = ephemeral (default)
  ollamaUrl?: string; // backend of the ollama-service proxy and of ollama pods' port-forwards
  nodes?: number; // extra scale on top of the seeded cluster
  namespaces?: number;
  deployments?: number;
  pods?: number;
  readyDelayMs?: number; // Pending -> Running delay of new pods (default 300)
  unpullableImages?: string[]; // images whose pods stay waiting in ImagePullBackOff
  /** How long a deleted pod stays Terminating while its containers exit (default 1000 ms; capped by its grace period). */
  podTerminationMs?: number;
  /** Claims carry kubernetes.io/pvc-protection and wait for their pods when deleted, as on every real cluster (default off: the product's tests expect a claim gone at once). */
  pvcProtection?: boolean;
  /** How long events live (default an hour, the API server's --event-ttl) and how many are kept at most (default 5000). */
  eventTtlMs?: number;
  /** Images whose containers exit 1 after crashAfterMs (default readyDelayMs) and are restarted after crashBackoffMs (default 500): CrashLoopBackOff. */
  crashingImages?: string[];
  crashAfterMs?: number;
  crashBackoffMs?: number;
  maxEvents?: number;
  quiet?: boolean; // no [SIM] logs
  podPullBytesPerSecond?: number; // download speed of each model pod's own Ollama (default 2 GB/s)
}

export interface KubeSim {
  url: string;
  port: number;
  caPem: string;
  token: string; // full access
  readOnlyToken: string; // get/list/watch only
  /** Everything inside NAMESPACED_USER_NAMESPACE (model-hosting), nothing outside: no nodes, no all-namespaces lists. */
  namespacedToken: string;
  /** Client certificates signed by caPem: full access (O=system:masters) and read-only (O=sim:viewers). */
  clientCerts: { admin: ClientCert; viewer: ClientCert };
  /** Absolute path of the exec credential plugin (run with `node`). */
  execScript: string;
  kubeconfig(opts?: KubeconfigOptions): string;
  writeKubeconfig(path: string, opts?: KubeconfigOptions): void;
  faults: Faults;
  store: Store;
  /** Every port-forward accepted (which pod, ports, when and why it closed) and how many a pod has open. */
  portForwards: PortForwards;
  /** Each model deployment's pod's own Ollama (test/sim/pod-ollama.ts); set pullBytesPerSecond there. */
  podOllamas: PodOllamas;
  /** Fail the next requests of a verb on a resource (test/sim/request-faults.ts). */
  requestFaults: RequestFaults;
  setOllamaUrl(url: string | undefined): void;
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

// Anonymous requests may read these, as system:public-info-viewer allows on a real cluster.
const publicPaths = new Set(['/version', '/healthz', '/livez', '/readyz']);

function verbOf(method: string, p: ApiPath, url: URL): string {
  switch (method) {
    case 'GET':
    case 'HEAD':
      return p.name ? 'get' : queryBool(url.searchParams, 'watch') ? 'watch' : 'list';
    case 'POST': return 'create';
    case 'PUT': return 'update';
    case 'PATCH': return 'patch';
    case 'DELETE': return p.name ? 'delete' : 'deletecollection';
    default: return method.toLowerCase();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const NAMESPACED_USER_NAMESPACE = 'model-hosting';
const execScript = fileURLToPath(new URL('./exec-credential.mjs', import.meta.url));

export async function startKubeSim(opts: KubeSimOptions = {}): Promise<KubeSim> {
  const t0 = performance.now();
  const log = opts.quiet ? () => {} : (m: string) => console.log(m);
  const certs = await makeSimPki();
  const clientCerts = {
    admin: await certs.issueClient('kubernetes-admin', [CERT_ADMIN_GROUP]),
    viewer: await certs.issueClient('sim-viewer', [CERT_VIEWER_GROUP]),
  };
  const token = randomBytes(24).toString('hex');
  const readOnlyToken = randomBytes(24).toString('hex');
  const namespacedToken = randomBytes(24).toString('hex');
  const auth = new Authenticator();
  auth.add(token, { name: 'sim-admin', readOnly: false });
  auth.add(readOnlyToken, { name: 'system:serviceaccount:model-hosting:viewer', readOnly: true });
  auth.add(namespacedToken, { name: `system:serviceaccount:${NAMESPACED_USER_NAMESPACE}:operator`, readOnly: false, namespace: NAMESPACED_USER_NAMESPACE });

  const store = new Store();
  const watches = new WatchRegistry();
  const faults = createFaults(watches, log);
  const portForwards = new PortForwards(log);
  const podLogs = new PodLogs();
  const ctx: SimContext = { store, faults, watches, log, portForwards, podLogs };
  if (opts.ollamaUrl) ctx.ollamaUrl = opts.ollamaUrl;
  const scheduler = new Scheduler(store);
  const kubelet = new Kubelet(store, scheduler, { readyDelayMs: opts.readyDelayMs ?? 300, unpullableImages: opts.unpullableImages ?? [], terminationMs: opts.podTerminationMs ?? 1000 }, log);
  const controller = new DeploymentController(store, kubelet, log);
  const gc = new GarbageCollector(store, log);
  const endpointsController = new EndpointsController(store);
  const storage = new StorageController(store, log, { pvcProtection: opts.pvcProtection ?? true });
  const serviceAccounts = new ServiceAccountsController(store);
  const podOllamas = new PodOllamas(store, opts.podPullBytesPerSecond ? { pullBytesPerSecond: opts.podPullBytesPerSecond } : {}, log);
  kubelet.startHook = (pod) => podOllamas.onStart(pod);
  const claims = bindClaims(store);
  const requestFaults = new RequestFaults();
  store.subscribe((e) => {
    gc.onEvent(e);
    endpointsController.onEvent(e);
    storage.onEvent(e);
    serviceAccounts.onEvent(e);
    scheduler.track(e);
    podOllamas.onEvent(e);
    claims(e);
    kubelet.onEvent(e);
    controller.onEvent(e);
    portForwards.onEvent(e);
  });
  const scale: Parameters<typeof seedCluster>[3] = {};
  for (const k of ['nodes', 'namespaces', 'deployments', 'pods'] as const) if (opts[k]) scale[k] = opts[k];
  seedCluster(store, controller, certs.caPem, scale);
  gc.indexAll(['deployments', 'replicasets', 'pods', 'services', 'configmaps']);
  store.quiet = true;
  seedRbac(store);
  seedStorage(store);
  serviceAccounts.seed();
  endpointsController.syncAll();
  store.quiet = false;
  // After seeding: the seeded objects' events would have expired on a real cluster.
  const events = new EventRecorder(store);
  if (opts.eventTtlMs !== undefined) events.ttlMs = opts.eventTtlMs;
  if (opts.maxEvents !== undefined) events.maxEvents = opts.maxEvents;
  kubelet.events = events;
  kubelet.podLogs = podLogs;
  const crashLoops = new CrashLoops(store, { runMs: opts.crashAfterMs ?? opts.readyDelayMs ?? 300, backoffMs: opts.crashBackoffMs ?? 500, images: opts.crashingImages ?? [] });
  crashLoops.events = events;
  crashLoops.podLogs = podLogs;
  kubelet.crashLoops = crashLoops;
  controller.events = events;

  let port = opts.port ?? 0;
  const sockets = new Set<Socket>();

  async function gate(url: URL): Promise<void> {
    if (faults.latencyMs > 0) await sleep(faults.latencyMs);
    if (faults.errorRate > 0 && Math.random() < faults.errorRate) {
      if (faults.errorStatus === 429) throw errors.tooManyRequests();
      if (faults.errorStatus === 503) throw errors.serviceUnavailable('the server is currently unable to handle the request');
      throw errors.internal(`simulated failure of ${url.pathname}`);
    }
  }

  function authenticate(req: IncomingMessage, pathname: string): User | undefined {
    const user = auth.authenticate(req);
    if (!user && !publicPaths.has(pathname)) throw errors.unauthorized();
    return user;
  }

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'https://127.0.0.1');
      if (url.pathname.startsWith('/_sim/')) {
        const u = auth.authenticate(req);
        if (!u || u.readOnly || u.namespace !== undefined) throw u ? errors.forbidden('the control endpoint needs the full-access token') : errors.unauthorized();
        return await handleControl(ctx, { restart: (ms) => void sim.stop().then(() => sleep(ms)).then(() => sim.start()) }, url.pathname, req, res);
      }
      const user = authenticate(req, url.pathname);
      await gate(url);
      if (req.method === 'GET' && serveDiscovery(url.pathname, res, `127.0.0.1:${port}`)) return;
      const parsed = parseApiPath(url.pathname);
      if (parsed.type !== 'resource') throw errors.rawNotFound();
      const p = parsed.path;
      const verb = verbOf(req.method ?? 'GET', p, url);
      if (!user) throw errors.unauthorized();
      if (p.subresource === 'proxy' && p.r.plural === 'services') {
        authorize(user, verb === 'get' ? 'get' : verb, p.r, p.namespace, p.name, 'proxy', store);
        return serveProxy(ctx, p, req, res, url);
      }
      if (p.subresource === 'portforward') throw errors.badRequest('Upgrade request required');
      if (p.subresource) {
        authorize(user, verb, p.r, p.namespace, p.name, p.subresource, store);
        if (p.r.plural === 'serviceaccounts' && p.subresource === 'token' && verb === 'create') {
          if (!store.getEntry(p.r, p.namespace, p.name!)) throw errors.notFound(p.r, p.name!);
          return await serveTokenRequest(ctx, auth, p, req, res);
        }
        return await handleSubresource(ctx, p, verb, req, res, url);
      }
      if (!p.r.verbs.includes(verb) || (verb === 'create' && p.name)) throw errors.methodNotAllowed();
      if (p.r.namespaced && !p.namespace && !['list', 'watch'].includes(verb)) throw errors.rawNotFound();
      authorize(user, verb, p.r, p.namespace, p.name, undefined, store);
      if (p.r.group === 'authorization.k8s.io') return await serveReview(ctx, user, p, req, res);
      requestFaults.check(verb, p);
      await handleCrud(ctx, p, verb, req, res, url);
    } catch (err) {
      if (err instanceof URIError) return sendError(res, errors.badRequest(err.message));
      sendError(res, err);
    }
  }

  function rejectUpgrade(socket: Duplex, err: unknown): void {
    if (err instanceof KubeletUpgradeError) {
      const text = err.message;
      const reason = err.code === 404 ? 'Not Found' : 'Internal Server Error';
      socket.end(`HTTP/1.1 ${err.code} ${reason}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`);
      return;
    }
    const e = err instanceof ApiError ? err : errors.internal(String(err));
    const body = JSON.stringify(e.body);
    socket.end(`HTTP/1.1 ${e.code} ${e.body.reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  }

  async function onUpgrade(req: IncomingMessage, socket: Duplex): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'https://127.0.0.1');
      const user = authenticate(req, url.pathname);
      await gate(url);
      const parsed = parseApiPath(url.pathname);
      if (parsed.type !== 'resource' || parsed.path.subresource !== 'portforward' || parsed.path.r.plural !== 'pods') throw errors.rawNotFound();
      if (!isWebSocketUpgrade(req)) throw errors.badRequest('only websocket port-forwarding is supported (SPDY is not)');
      // Port-forward is "create pods/portforward" for authorization, as on a real cluster.
      authorize(user!, 'create', parsed.path.r, parsed.path.namespace, parsed.path.name, 'portforward', store);
      servePortForward(ctx, parsed.path, req, socket, url);
    } catch (err) {
      rejectUpgrade(socket, err);
    }
  }

  let server: https.Server | undefined;

  function listen(): Promise<void> {
    // A client certificate is asked for, not required (token users send none); whether the
    // CA signed it is checked per request, so a bad one is a 401 Status, not a TLS failure.
    const s = https.createServer(
      { cert: certs.certPem, key: certs.keyPem, ca: certs.caPem, requestCert: true, rejectUnauthorized: false },
      (req, res) => void onRequest(req, res),
    );
    s.on('upgrade', (req, socket) => void onUpgrade(req, socket));
    s.on('connection', (sock: Socket) => {
      sockets.add(sock);
      sock.on('close', () => sockets.delete(sock));
    });
    s.on('tlsClientError', () => {});
    s.keepAliveTimeout = 30_000;
    return new Promise((resolve, reject) => {
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        s.off('error', reject);
        port = (s.address() as { port: number }).port;
        server = s;
        resolve();
      });
    });
  }

  await listen();
  const url = `https://127.0.0.1:${port}`;
  const kcSource = { server: url, caPem: certs.caPem, token, clientCert: clientCerts.admin, execScript };

  const sim: KubeSim = {
    url,
    port,
    caPem: certs.caPem,
    token,
    readOnlyToken,
    namespacedToken,
    clientCerts,
    execScript,
    kubeconfig: (o) => renderKubeconfig(kcSource, o),
    writeKubeconfig(path, o) {
      writeFileSync(path, renderKubeconfig(kcSource, o), { mode: 0o600 });
    },
    faults,
    store,
    portForwards,
    podOllamas,
    requestFaults,
    setOllamaUrl(u) {
      if (u) ctx.ollamaUrl = u;
      else delete ctx.ollamaUrl;
    },
    async stop() {
      const s = server;
      if (!s) return;
      server = undefined;
      watches.dropAll(false);
      const closed = new Promise<void>((r) => s.close(() => r()));
      for (const sock of sockets) sock.destroy();
      await closed;
      log(`[SIM] kube API server stopped (port ${port} refuses connections)`);
    },
    async start() {
      if (server) return;
      await listen();
      log(`[SIM] kube API server listening again on ${url}`);
    },
    async close() {
      await sim.stop();
      kubelet.close();
      controller.close();
      gc.close();
      endpointsController.close();
      storage.close();
      serviceAccounts.close();
      events.close();
      crashLoops.close();
      await podOllamas.close();
    },
  };
  log(`[SIM] kube API server on ${url} (${store.count(resourceFor('nodes'))} nodes, ${store.count(resourceFor('pods'))} pods, rv ${store.resourceVersion}) in ${Math.round(performance.now() - t0)} ms`);
  return sim;
}

