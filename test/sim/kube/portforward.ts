// pods/NAME/portforward over websocket, as @kubernetes/client-node's PortForward speaks it
// (v4.channel.k8s.io family; portforward.k8s.io accepted too): per requested port i,
// channel 2i carries data and 2i+1 errors, and the first frame on each channel is the
// port as two little-endian bytes. Each websocket is one TCP connection per port.
// Not served: kubectl port-forward, which speaks SPDY (or SPDY tunnelled in a websocket,
// subprotocol SPDY/3.1+portforward.k8s.io); it gets a 400 Status.
import net from 'node:net';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { SimContext } from './context.ts';
import type { ApiPath } from './paths.ts';
import { errors } from './status.ts';
import { acceptWebSocket } from './websocket.ts';
import { backendFor } from './backends.ts';

const PROTOCOLS = ['v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io', 'portforward.k8s.io', 'v5.channel.k8s.io'];

function frame(channel: number, data: Buffer): Buffer {
  return Buffer.concat([Buffer.from([channel]), data]);
}

function portBytes(port: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(port, 0);
  return b;
}

export function servePortForward(ctx: SimContext, p: ApiPath, req: IncomingMessage, socket: Duplex, url: URL): void {
  const pod = ctx.store.getEntry(p.r, p.namespace, p.name!)?.obj;
  if (!pod) throw errors.notFound(p.r, p.name!);
  if (pod.status?.phase !== 'Running') throw errors.badRequest(`pod ${p.name} is not running`);
  const ports = url.searchParams.getAll('ports').flatMap((s) => s.split(',')).map((s) => Number(s.trim())).filter((n) => n > 0 && n < 65536);
  if (ports.length === 0) throw errors.badRequest('query parameter "port" is required');
  const ws = acceptWebSocket(req, socket, PROTOCOLS);
  if (!ws) throw errors.badRequest('unable to upgrade: no supported websocket subprotocol (want v4.channel.k8s.io)');
  ctx.log(`[SIM] port-forward ${p.namespace}/${p.name} ports ${ports.join(',')} (${ws.protocol})`);

  const conns: net.Socket[] = [];
  ports.forEach((port, i) => {
    const data = 2 * i;
    const err = 2 * i + 1;
    ws.send(frame(data, portBytes(port)));
    ws.send(frame(err, portBytes(port)));
    const backend = backendFor(pod, port, ctx.ollamaUrl);
    const fail = (why: string) => {
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
    c.on('end', () => ws.close());
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
