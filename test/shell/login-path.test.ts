// The login shell's PATH reaches a desktop-launched app, so exec auth plugins are found.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loginShellPath, mergePath } from '../../main/shell/login-path.ts';

describe('login shell PATH', () => {
  it('reads the PATH a login shell sets up, past whatever its rc files print', async () => {
    const home = mkdtempSync(join(tmpdir(), 'kmm-home-'));
    writeFileSync(join(home, '.bash_profile'), 'echo "welcome banner"\nexport PATH="/opt/cloud-sdk/bin:$PATH"\n');
    const path = await loginShellPath('/bin/bash', 5000, { HOME: home, PATH: '/usr/bin:/bin' });
    expect(path?.split(':')[0]).toBe('/opt/cloud-sdk/bin');
    expect(path).toContain('/usr/bin');
    expect(path).not.toContain('welcome');
  });

  it('gives null for a shell that does not exist, instead of failing the start', async () => {
    expect(await loginShellPath('/nonexistent/shell', 1000)).toBeNull();
    expect(await loginShellPath('', 1000)).toBeNull();
  });

  it('adds only the entries that are missing, keeping the order', () => {
    expect(mergePath('/usr/bin:/bin', '/opt/x/bin:/usr/bin:/home/me/.local/bin')).toBe('/usr/bin:/bin:/opt/x/bin:/home/me/.local/bin');
    expect(mergePath(undefined, null)).toBe('');
  });
});
