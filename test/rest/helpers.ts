// Test helpers for the REST server: raw HTTP on loopback (Host, paths and bodies exactly as
// given) and handlers made of small fakes that record what they were called with.
import { request } from 'node:http';
import { operationNames, type Handlers, type OperationName } from '../../preload/contract/index.ts';

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any;
}

export function call(port: number, opts: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer }): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method: opts.method ?? 'GET', path: opts.path, headers: { host: `127.0.0.1:${port}`, ...opts.headers }, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    req.on('error', reject);
    if (opts.body !== undefined) req.end(opts.body);
    else req.end();
  });
}

export interface FakeCall {
  name: OperationName;
  input: unknown;
}

/** Every operation answers `{ success: true, op, input }` unless overridden; calls are recorded. */
export function fakeHandlers(overrides: Partial<Record<OperationName, (input: any) => Promise<unknown>>> = {}): { handlers: Handlers; calls: FakeCall[] } {
  const calls: FakeCall[] = [];
  const out: Record<string, (input: unknown) => Promise<unknown>> = {};
  for (const name of operationNames) {
    out[name] = async (input) => {
      calls.push({ name, input });
      const override = overrides[name];
      return override ? override(input) : { success: true, op: name, input };
    };
  }
  return { handlers: out as Handlers, calls };
}
