// Electron's IPC serializes every value with the structured clone algorithm:
// https://www.electronjs.org/docs/latest/api/ipc-renderer#ipcrendererinvokechannel-args
// ("Arguments will be serialized with the Structured Clone Algorithm ... Sending Functions,
// Promises, Symbols, WeakMaps, or WeakSets will throw an exception.") and so does the main side
// (https://www.electronjs.org/docs/latest/api/web-contents#contentssendchannel-args). Node's
// structuredClone is V8's serializer, the one Electron uses; the error is Electron's.
export const CLONE_ERROR = 'An object could not be cloned.';

export function ipcClone<T>(value: T): T {
  try {
    return structuredClone(value);
  } catch {
    throw new Error(CLONE_ERROR);
  }
}
