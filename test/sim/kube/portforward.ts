// pods/NAME/portforward over websocket, as @kubernetes/client-node's PortForward speaks it
// (v4.channel.k8s.io family; portforward.k8s.io accepted too): per requested port i,
// channel 2i carries data and 2i+1 errors, and the first frame on each channel is the
// port as two little-endian bytes. Each websocket is one TCP connection per port.
// Like a real kubelet, every port-forward of a pod ends when the pod is deleted or stops
// running, and a pod without a running sandbox refuses new ones.
// Not served: kubectl port-forward, which speaks SPDY (or SPDY tunnelled in a websocket,
// subprotocol SPDY/3.1+portforward.k8s.io); it gets a 400 Status.
import net from 'node:net';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { SimContext } from './context.ts';
import type { ApiPath } from './paths.ts';
import type { KObj } from './types.ts';
import type { StoreEvent } from './store.ts';
import { errors } from './status.ts';
import { acceptWebSocket, type WsConnection } from './websocket.ts';
import { backendFor } from './backends.ts';

const PROTOCOLS = ['v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io', 'portforward.k8s.io', 'v5.channel.k8s.io'];

/** One port-forward the simulator accepted: which pod it reached, and how it ended. */
export interface PortForwardRecord {
  namespace: string;
  pod: string;
  uid: string;
  ports: number[];
  openedAt: number; // Date.now()
  closedAt?: number;
  /** 'client': the client closed it; 'pod-gone': its pod was deleted or stopped running; 'stream': a forwarded TCP stream ended. */
  closedBy?: 'client' | 'pod-gone' | 'stream';
}

/**
 * A kubelet's answer that is not a Status: the API server passes the kubelet's non-101
 * response through unchanged, so the client reads plain text (client-go then says
 * "unable to upgrade connection: <text>").
 */
export class KubeletUpgradeError extends Error {
  readonly code: number;
  constructor(code: number, text: string) {
    super(text);
    this.code = code;
  }
}

/** The open port-forwards by pod uid, and a record of every one accepted. */
export class PortForwards {
  readonly records: PortForwardRecord[] = [];
  private open = new Map<string, Set<{ ws: WsConnection; rec: PortForwardRecord }>>();
  private log: (m: string) => void;

  constructor(log: (m: string) => void) {
    this.log = log;
  }

  add(ws: WsConnection, rec: PortForwardRecord): void {
    this.records.push(rec);
    let set = this.open.get(rec.uid);
    if (!set) this.open.set(rec.uid, (set = new Set()));
    const entry = { ws, rec };
    set.add(entry);
    ws.on('close', () => {
      rec.closedAt ??= Date.now();
      rec.closedBy ??= 'client';
      set.delete(entry);
      if (set.size === 0 && this.open.get(rec.uid) === set) this.open.delete(rec.uid);
    });
  }

  /** Port-forwards of this pod still open. */
  openFor(uid: string): number {
    return this.open.get(uid)?.size ?? 0;
  }

  /** Store listener: a pod that is deleted, or leaves Running, loses its port-forwards. */
  onEvent(e: StoreEvent): void {
    if (e.r.plural !== 'pods') return;
    const uid = e.obj.metadata.uid;
    if (!uid || !this.open.has(uid)) return;
    if (e.type === 'DELETED') this.closePod(uid, 'deleted');
    else if (e.type === 'MODIFIED' && e.obj.status?.phase !== 'Running') this.closePod(uid, `now ${e.obj.status?.phase ?? 'not running'}`);
  }

  private closePod(uid: string, why: string): void {
    const set = this.open.get(uid);
    if (!set) return;
    this.open.delete(uid);
    for (const { ws, rec } of set) {
      rec.closedAt = Date.now();
      rec.closedBy = 'pod-gone';
      this.log(`[SIM] port-forward ${rec.namespace}/${rec.pod} closed: pod ${why}`);
      ws.close();
    }
  }
}

function frame(channel: number, data: Buffer): Buffer {
  return Buffer.concat([Buffer.from([channel]), data]);
}

function portBytes(port: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(port, 0);
  return b;
}

/** Refuses as the real API server and kubelet do a port-forward to a pod that cannot take one. */
function checkPod(p: ApiPath, pod: KObj | undefined): KObj {
  if (!pod) throw errors.notFound(p.r, p.name!);
  // The API server itself: no node to send the request to.
  if (!pod.spec?.nodeName) throw errors.badRequest(`pod ${p.name} does not have a host assigned`);
  // The kubelet finds no pod sandbox in the runtime: not created yet, or gone with a finished pod.
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed' || (phase !== 'Running' && !pod.status?.podIP))
    throw new KubeletUpgradeError(500, `pod not found ("${p.name}_${p.namespace}")`);
  return pod;
}

export function servePortForward(ctx: SimContext, p: ApiPath, req: IncomingMessage, socket: Duplex, url: URL): void {
  const pod = checkPod(p, ctx.store.getEntry(p.r, p.namespace, p.name!)?.obj);
  const ports = url.searchParams.getAll('ports').flatMap((s) => s.split(',')).map((s) => Number(s.trim())).filter((n) => n > 0 && n < 65536);
  if (ports.length === 0) throw errors.badRequest('query parameter "port" is required');
  const ws = acceptWebSocket(req, socket, PROTOCOLS);
  if (!ws) throw errors.badRequest('unable to upgrade: no supported websocket subprotocol (want v4.channel.k8s.io)');
  ctx.log(`[SIM] port-forward ${p.namespace}/${p.name} ports ${ports.join(',')} (${ws.protocol})`);
  const rec: PortForwardRecord = { namespace: p.namespace!, pod: p.name!, uid: pod.metadata.uid!, ports, openedAt: Date.now() };
  ctx.portForwards?.add(ws, rec);
  // A pod waiting on its image has a sandbox but no container: nothing listens on its ports.
  const running = pod.status?.phase === 'Running';

  const conns: net.Socket[] = [];
  ports.forEach((port, i) => {
    const data = 2 * i;
    const err = 2 * i + 1;
    ws.send(frame(data, portBytes(port)));
    ws.send(frame(err, portBytes(port)));
    const backend = running ? backendFor(pod, port, ctx.ollamaUrl) : undefined;
    const fail = (why: string) => {
      rec.closedBy ??= 'stream';
      ws.send(frame(err, Buffer.from(
        `an error occurred forwarding ${port} -> ${port}: error forwarding port ${port} to pod ${pod.metadata.uid}: ` +
          `failed to connect to localhost:${port} inside namespace: ${why}`)));
      ws.close();
    };
    if (!backend) {
      conns.push(new net.Socket());
      setImmediate(() => fail(`dial tcp4 127.0.0.1:${port}: connect: connection refused`));
      return;
    }
    const c = net.connect(backend.port, backend.host);
    conns.push(c);
    c.on('data', (d: Buffer) => ws.send(frame(data, d)));
    c.on('error', (e) => fail(e.message));
    c.on('end', () => {
      rec.closedBy ??= 'stream';
      ws.close();
    });
  });
  ws.on('message', (msg: Buffer) => {
    if (msg.length < 1) return;
    const ch = msg[0]!;
    const c = conns[ch >> 1];
    if (c && ch % 2 === 0 && msg.length > 1 && !c.destroyed) c.write(msg.subarray(1));
  });
  ws.on('close', () => {
    for (const c of conns) c.destroy();
  });
}
