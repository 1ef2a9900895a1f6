// The Host policy on its own: which names a server bound to a given address answers to.
import { describe, expect, test } from 'vitest';
import { hostAllowed, splitHost } from '../../main/rest/security.ts';

describe('hostAllowed', () => {
  test('loopback names only, when bound to loopback', () => {
    const policy = { boundHost: '127.0.0.1' };
    for (const host of ['localhost', 'localhost:8080', '127.0.0.1:8080', '[::1]:8080', 'LOCALHOST:8080']) expect(hostAllowed(host, policy), host).toBe(true);
    for (const host of ['evil.example', 'evil.example:8080', '10.0.0.7:8080', '127.0.0.1.evil.example', '', 'localhost.', '[::1', undefined]) {
      expect(hostAllowed(host, policy), String(host)).toBe(false);
    }
  });

  test('the explicitly bound host and configured names are allowed too', () => {
    expect(hostAllowed('192.168.1.5:8080', { boundHost: '192.168.1.5' })).toBe(true);
    expect(hostAllowed('192.168.1.6:8080', { boundHost: '192.168.1.5' })).toBe(false);
    expect(hostAllowed('model-manager.model-hosting.svc:8080', { boundHost: '127.0.0.1', allowedHosts: ['model-manager.model-hosting.svc'] })).toBe(true);
    expect(hostAllowed('[fd00::5]:8080', { boundHost: 'fd00::5' })).toBe(true);
  });

  test('bound to a wildcard: IP literals (probes, clients by pod IP) but still no foreign names', () => {
    for (const bound of ['0.0.0.0', '::']) {
      expect(hostAllowed('10.244.1.7:8080', { boundHost: bound })).toBe(true);
      expect(hostAllowed('[fd00::7]:8080', { boundHost: bound })).toBe(true);
      expect(hostAllowed('evil.example:8080', { boundHost: bound })).toBe(false);
    }
  });

  test('splitHost keeps IPv6 brackets and the port', () => {
    expect(splitHost('[::1]:8080')).toEqual(['[::1]', '8080']);
    expect(splitHost('Example.COM')).toEqual(['example.com', null]);
  });
});
