// One build for the three parts: main (ESM, dependencies left to node_modules), the
// preload (one CommonJS bundle with everything inlined, so `sandbox: true` can stay on),
// and the renderer (Vue, relative base so it loads from file:// and from the REST server).
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import vue from '@vitejs/plugin-vue';
import { cspMetaPlugin } from './main/shell/csp.ts';

const root = import.meta.dirname;

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      externalizeDeps: true,
      rollupOptions: { input: { index: resolve(root, 'main/index.ts') }, output: { format: 'es' } },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed preload cannot require node_modules: inline what it imports (the contract's names, no zod).
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve(root, 'preload/index.ts') },
        external: ['electron'],
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'renderer'),
    base: './',
    // index.html's CSP meta tag, from the one definition Electron and the REST server send.
    plugins: [vue(), cspMetaPlugin()],
    build: {
      outDir: resolve(root, 'out/renderer'),
      emptyOutDir: true,
      // Served over HTTP by `npm run serve` too: worth minifying.
      minify: true,
      rollupOptions: { input: { index: resolve(root, 'renderer/index.html') } },
    },
  },
});
