// Settings read back from a real settings file: one bad hand-edited key falls back to its
// default alone; every other saved setting stays.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { fileSettings } from '../../main/core/settings.ts';
import { defaultSettings } from '../../preload/contract/index.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A settings folder whose file (conf's config.json) holds exactly `content`. */
function settingsFile(content: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'kmm-settings-'));
  dirs.push(dir);
  // What conf writes and reads there: created once so the path is known, then replaced by hand.
  fileSettings(dir).update({ restEnabled: false });
  writeFileSync(join(dir, 'config.json'), JSON.stringify(content));
  return dir;
}

it('one invalid key resets only that key', () => {
  const saved = { namespace: 'team-a', restEnabled: true, defaultVramGb: 48, ollamaRoutes: ['explicit', 'port-forward'], restPort: 80 };
  const dir = settingsFile(saved);
  const settings = fileSettings(dir).get();
  expect(settings.restPort).toBe(defaultSettings.restPort);
  expect(settings).toEqual({ ...defaultSettings, ...saved, restPort: defaultSettings.restPort });
  // Reading does not rewrite the file: the operator's other values, and the bad one, are as they were.
  expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'))).toEqual(saved);
});

it('several invalid keys, and unknown ones, each fall back alone', () => {
  const dir = settingsFile({ namespace: 'Not_A_Label', ollamaUrl: 'ftp://x', deployImage: 'my/ollama:1', context: 'lab', stray: 1 });
  expect(fileSettings(dir).get()).toEqual({ ...defaultSettings, deployImage: 'my/ollama:1', context: 'lab' });
});

it('an update after a bad key keeps the good saved values', () => {
  const dir = settingsFile({ namespace: 'team-a', restPort: 'eighty' });
  const next = fileSettings(dir).update({ restEnabled: true });
  expect(next).toMatchObject({ namespace: 'team-a', restEnabled: true, restPort: defaultSettings.restPort });
});
