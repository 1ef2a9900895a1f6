// The desktop app's REST token at rest: with a keychain (Electron's safeStorage; here the test
// world's stand-in, which seals as Electron's basic backend would be asked to), the settings
// file holds only the sealed token, an older plain one is sealed on first read, and without a
// keychain it stays as it was. A real settings file (conf, which electron-store wraps).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Conf from 'conf';
import { afterEach, expect, it } from 'vitest';
import { sealedTokenStore } from '../../main/core/sealed-token.ts';
import { SettingsStore } from '../../main/core/settings.ts';
import { safeStorage } from '../electron/misc.ts';
import { switches } from '../electron/records.ts';

const dirs: string[] = [];
afterEach(() => {
  switches.encryptionAvailable = false;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const cipher = {
  available: () => safeStorage.isEncryptionAvailable(),
  seal: (text: string) => safeStorage.encryptString(text).toString('base64'),
  open: (sealed: string) => safeStorage.decryptString(Buffer.from(sealed, 'base64')),
};
function store() {
  const dir = mkdtempSync(join(tmpdir(), 'kmm-sealed-'));
  dirs.push(dir);
  const conf = new Conf<Record<string, unknown>>({ cwd: dir, projectName: 'kmm-test' });
  return { conf, file: join(dir, 'config.json'), settings: () => new SettingsStore(sealedTokenStore(conf as never, cipher)) };
}

it('keeps only the sealed token in the file when a keychain is there', () => {
  switches.encryptionAvailable = true;
  const s = store();
  const token = s.settings().restToken({});
  const onDisk = readFileSync(s.file, 'utf8');
  expect(onDisk).not.toContain(token);
  expect(JSON.parse(onDisk)).toHaveProperty('restTokenSealed');
  expect(JSON.parse(onDisk)).not.toHaveProperty('restToken');
  // Read back by a new instance (the next start).
  expect(s.settings().restToken({})).toBe(token);
  const rotated = s.settings().rotateRestToken();
  expect(readFileSync(s.file, 'utf8')).not.toContain(rotated);
});

it('seals the plain token an older version left, on first read', () => {
  switches.encryptionAvailable = true;
  const s = store();
  writeFileSync(s.file, JSON.stringify({ restToken: 'old-plain-token-0123456789abcdef' }));
  expect(s.settings().restToken({})).toBe('old-plain-token-0123456789abcdef');
  expect(readFileSync(s.file, 'utf8')).not.toContain('old-plain-token-0123456789abcdef');
  expect(s.settings().restToken({})).toBe('old-plain-token-0123456789abcdef');
});

it('without a keychain, keeps the token as before (the file is owner-only)', () => {
  const s = store();
  const token = s.settings().restToken({});
  expect(JSON.parse(readFileSync(s.file, 'utf8')).restToken).toBe(token);
});
