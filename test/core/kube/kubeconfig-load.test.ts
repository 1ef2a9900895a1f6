// Which kubeconfig the app reads: KUBECONFIG of the environment it is given (not whatever the
// process has), merged as kubectl merges the list: missing files skipped, every context from
// every file, the first current-context set wins.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadKubeConfig } from '../../../main/core/kube/client.ts';

const config = (name: string, current: string | null) => `apiVersion: v1
kind: Config
clusters:
- name: ${name}
  cluster: { server: 'https://${name}.example:6443' }
users:
- name: ${name}-user
  user: { token: t-${name} }
contexts:
- name: ${name}
  context: { cluster: ${name}, user: ${name}-user }
${current ? `current-context: ${current}` : ''}
`;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kmm-kubeconfigs-'));
  writeFileSync(join(dir, 'a'), config('alpha', null));
  writeFileSync(join(dir, 'b'), config('beta', 'beta'));
  writeFileSync(join(dir, 'c'), config('gamma', 'gamma'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("reads the given environment's KUBECONFIG, merged as kubectl does", () => {
  const saved = process.env.KUBECONFIG;
  process.env.KUBECONFIG = join(dir, 'c'); // what the process has: must not be what is read
  try {
    const list = [join(dir, 'missing'), join(dir, 'a'), join(dir, 'b'), join(dir, 'c')].join(delimiter);
    const { kc, source } = loadKubeConfig({}, { KUBECONFIG: list });
    expect(source).toBe(list);
    expect(kc.getContexts().map((c) => c.name).sort()).toEqual(['alpha', 'beta', 'gamma']);
    // a sets none, b is the first to set one: kubectl's rule, not the last file's.
    expect(kc.getCurrentContext()).toBe('beta');
  } finally {
    if (saved === undefined) delete process.env.KUBECONFIG;
    else process.env.KUBECONFIG = saved;
  }
});

it('says no kubeconfig was found when none of the listed files exists', () => {
  expect(() => loadKubeConfig({}, { KUBECONFIG: join(dir, 'nope') })).toThrow(/no kubeconfig found/);
});
