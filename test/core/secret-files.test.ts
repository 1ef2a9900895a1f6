// The settings file holds the REST token: it is the owner's alone (0600 in a 0700 folder),
// also when the folder or the file were there before with looser modes; and the token can
// be rotated.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { fileSettings } from '../../main/core/settings.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const mode = (path: string) => statSync(path).mode & 0o777;

it('writes the token into a file only its owner can read, in a folder only its owner can enter', () => {
  const root = mkdtempSync(join(tmpdir(), 'kmm-secret-'));
  dirs.push(root);
  const dir = join(root, 'config');
  const token = fileSettings(dir).restToken({});
  expect(token.length).toBeGreaterThanOrEqual(32);
  expect(mode(join(dir, 'config.json'))).toBe(0o600);
  expect(mode(dir)).toBe(0o700);
});

it('tightens a folder and a file that were world-readable before', () => {
  const root = mkdtempSync(join(tmpdir(), 'kmm-secret-'));
  dirs.push(root);
  const dir = join(root, 'config');
  mkdirSync(dir, { mode: 0o755 });
  chmodSync(dir, 0o755);
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ restToken: 'old-token-from-an-earlier-version-0123' }), { mode: 0o644 });
  chmodSync(join(dir, 'config.json'), 0o644);
  const settings = fileSettings(dir);
  expect(mode(dir)).toBe(0o700);
  expect(mode(join(dir, 'config.json'))).toBe(0o600);
  expect(settings.restToken({})).toBe('old-token-from-an-earlier-version-0123');
});

it('rotates the token: a new random one is kept, the old one is gone', () => {
  const root = mkdtempSync(join(tmpdir(), 'kmm-secret-'));
  dirs.push(root);
  const settings = fileSettings(join(root, 'c'));
  const before = settings.restToken({});
  const after = settings.rotateRestToken();
  expect(after).not.toBe(before);
  expect(fileSettings(join(root, 'c')).restToken({})).toBe(after);
  expect(mode(join(root, 'c', 'config.json'))).toBe(0o600);
});
