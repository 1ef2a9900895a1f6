// The built renderer (electron-vite's out/renderer) over HTTP: files with their content
// types, nothing outside the folder, and index.html for the UI's own routes.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { contentSecurityPolicy } from '../shell/csp.ts';
import { COMMON_HEADERS } from './security.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

const NOT_BUILT = `<!doctype html><html><head><meta charset="utf-8"><title>Kubernetes Model Manager</title></head>
<body><h1>Kubernetes Model Manager</h1><p>The web UI is not built. Run <code>npm run build</code>, then reload.
The REST API under <code>/api/</code> works without it.</p></body></html>`;

// The policy Electron sends too (one definition, main/shell/csp.ts).
const PAGE_CSP = contentSecurityPolicy();

export type StaticResult = { status: number; error?: string };

/** Serves `pathname` (still percent-encoded) from `root`; answers itself and returns the status. */
export async function serveStatic(root: string | null, pathname: string, res: ServerResponse, head: boolean): Promise<StaticResult> {
  const pageHeaders = { ...COMMON_HEADERS, 'Content-Security-Policy': PAGE_CSP };
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return { status: 400, error: 'the path is not valid percent-encoding' };
  }
  const base = root ? resolve(root) : null;
  const index = base ? join(base, 'index.html') : null;
  if (!base || !index || !(await isFile(index))) {
    res.writeHead(200, { ...pageHeaders, 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(head ? undefined : NOT_BUILT);
    return { status: 200 };
  }
  const file = resolve(base, '.' + (decoded.startsWith('/') ? decoded : '/' + decoded));
  if (decoded.includes('\0') || (file !== base && !file.startsWith(base + sep))) return { status: 403, error: 'the path leaves the UI folder' };

  let target = file !== base && (await isFile(file)) ? file : null;
  if (!target) {
    // A missing asset is a 404; anything else is one of the UI's own routes (SPA fallback).
    if (extname(decoded) && extname(decoded) !== '.html') return { status: 404, error: `no such file: ${decoded}` };
    target = index;
  }
  const type = TYPES[extname(target).toLowerCase()] ?? 'application/octet-stream';
  // Hashed assets may be cached; index.html must not, or a new build would not be seen.
  const cache = target.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache';
  const size = (await stat(target)).size;
  res.writeHead(200, { ...pageHeaders, 'Content-Type': type, 'Content-Length': String(size), 'Cache-Control': cache });
  if (head) {
    res.end();
  } else {
    await new Promise<void>((done) => {
      createReadStream(target).on('error', () => res.destroy()).on('close', done).pipe(res);
    });
  }
  return { status: 200 };
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
