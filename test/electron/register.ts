// Makes the bare specifier `electron` resolve to the stand-in, for import and require alike
// (electron-store imports it, the app's main imports it). Used only by the desktop tests:
//   node --import ./test/electron/register.ts out/main/index.js
// Module customization hooks: https://nodejs.org/api/module.html#moduleregisterhooksoptions
import { registerHooks } from 'node:module';

const STANDIN = new URL('./index.ts', import.meta.url).href;

registerHooks({
  resolve(specifier, context, nextResolve) {
    if (specifier === 'electron') return { url: STANDIN, shortCircuit: true };
    return nextResolve(specifier, context);
  },
});
