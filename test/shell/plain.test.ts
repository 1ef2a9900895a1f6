// The bridge sends plain data: a Vue reactive form (a Proxy) is what Electron's structured
// clone refuses; plainData's copy is what it accepts.
import { describe, expect, it } from 'vitest';
import { reactive, ref } from 'vue';
import { plainData } from '../../renderer/api/plain.ts';
import { createBridgeTransport } from '../../renderer/api/bridge.ts';
import type { ModelManagerBridge } from '../../preload/bridge-api.ts';

describe('plainData', () => {
  const form = reactive({ routes: ['explicit', 'localhost'], nested: { port: 8080, on: true }, nothing: null as null });

  it('copies reactive state to what structured clone accepts', () => {
    const patch = { ollamaRoutes: form.routes, nested: form.nested };
    expect(() => structuredClone(patch)).toThrow(); // the Proxy, as Electron refuses it
    const plain = plainData(patch);
    expect(structuredClone(plain)).toEqual({ ollamaRoutes: ['explicit', 'localhost'], nested: { port: 8080, on: true } });
    expect(plainData(form)).toEqual({ routes: ['explicit', 'localhost'], nested: { port: 8080, on: true }, nothing: null });
  });

  it('refuses what has no plain form, naming where it is', () => {
    expect(() => plainData({ a: [1, () => 2] })).toThrow('input.a[1] is a function');
    expect(() => plainData({ r: ref(1) })).toThrow(/input\.r is a RefImpl/);
    expect(() => plainData({ m: new Map() })).toThrow(/input\.m is a Map/);
  });

  it('is what the IPC transport hands the bridge', async () => {
    const seen: unknown[] = [];
    const bridge: ModelManagerBridge = {
      invoke: async (_name, input) => {
        seen.push(structuredClone(input)); // throws for a Proxy, as the preload's IPC would
        return { success: true } as never;
      },
      on: () => () => {},
    };
    await createBridgeTransport(bridge).invoke('updateSettings', { ollamaRoutes: form.routes } as never);
    expect(seen).toEqual([{ ollamaRoutes: ['explicit', 'localhost'] }]);
  });
});
