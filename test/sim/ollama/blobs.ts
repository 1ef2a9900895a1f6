// HEAD and POST /api/blobs/:digest, as Ollama's HeadBlobHandler and CreateBlobHandler (server/routes.go)
// with manifest.BlobsPath's digest check (manifest/paths.go) and manifest.NewLayer (manifest/layer.go).
import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { SimContext } from './context.ts';
import { sendEmpty, sendError } from './http-util.ts';
import { blobOnDisk } from './state.ts';

const DIGEST = /^sha256[:-][0-9a-fA-F]{64}$/;

/** The blob file a digest names: "sha256-<hex>" and "sha256:<hex>" are the same file; hex case is kept. */
export function blobKey(digest: string): string {
  return `sha256:${digest.slice(7)}`;
}

export function handleHeadBlob(ctx: SimContext, res: ServerResponse, digest: string): void {
  if (!DIGEST.test(digest)) return sendError(res, 400, 'invalid digest format');
  if (!blobOnDisk(ctx.state, blobKey(digest))) return sendError(res, 404, `blob ${JSON.stringify(digest)} not found`);
  sendEmpty(res);
}

export function handleCreateBlob(ctx: SimContext, res: ServerResponse, digest: string, body: Buffer): void {
  if (!DIGEST.test(digest)) return sendError(res, 400, 'invalid digest format');
  if (blobOnDisk(ctx.state, blobKey(digest))) return sendEmpty(res);
  // NewLayer stores the body under its own digest before the handler compares: a mismatched
  // upload still leaves that blob on disk.
  const actual = `sha256:${createHash('sha256').update(body).digest('hex')}`;
  ctx.state.blobData.set(actual, body);
  ctx.state.blobs.set(actual, body.length);
  if (actual !== digest) return sendError(res, 400, `digest mismatch, expected ${JSON.stringify(digest)}, got ${JSON.stringify(actual)}`);
  ctx.log(`blob ${digest} (${body.length} bytes)`);
  sendEmpty(res, 201);
}
