// serve builds the web UI again when it is missing or a source is newer than the build (a
// pulled change), and not otherwise; with no sources at all (the container image) it is current.
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { rendererStale } from '../../main/rest/renderer-stale.ts';

const dir = mkdtempSync(join(tmpdir(), 'kmm-stale-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const at = (path: string, iso: string) => utimesSync(path, new Date(iso), new Date(iso));

it('says missing, older than its sources, or current', () => {
  const out = join(dir, 'out');
  const src = join(dir, 'renderer');
  mkdirSync(join(src, 'views'), { recursive: true });
  writeFileSync(join(src, 'views', 'A.vue'), 'x');
  at(join(src, 'views', 'A.vue'), '2026-01-02T00:00:00Z');
  expect(rendererStale(out, [src])).toBe('missing');
  mkdirSync(out);
  writeFileSync(join(out, 'index.html'), 'x');
  at(join(out, 'index.html'), '2026-01-01T00:00:00Z');
  expect(rendererStale(out, [src])).toBe('older than its sources');
  at(join(out, 'index.html'), '2026-01-03T00:00:00Z');
  expect(rendererStale(out, [src, join(dir, 'no-such-folder')])).toBeNull();
  expect(rendererStale(out, [join(dir, 'no-such-folder')])).toBeNull();
});
