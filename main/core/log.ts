// The seed's log form: `[COMPONENT] message`. Never pass tokens or credentials here.
export type Component = 'REQUEST' | 'K8S' | 'GPU' | 'OLLAMA' | 'PULL' | 'USAGE' | 'BACKGROUND' | 'DEPLOY' | 'CACHE' | 'REST' | 'APP' | 'SETTINGS';

export interface Logger {
  info(component: Component, message: string): void;
  warn(component: Component, message: string): void;
  error(component: Component, message: string): void;
}

const SECRET = /(Bearer\s+|token=)[^\s&"']+/gi;
const redact = (message: string) => message.replace(SECRET, '$1<redacted>');

export const consoleLogger: Logger = {
  info: (c, m) => console.log(`[${c}] ${redact(m)}`),
  warn: (c, m) => console.warn(`[${c}] ${redact(m)}`),
  error: (c, m) => console.error(`[${c}] ${redact(m)}`),
};

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

/** A logger that keeps lines, for tests that check what was (and was not) logged. */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const push = (c: Component, m: string) => lines.push(`[${c}] ${redact(m)}`);
  return { lines, info: push, warn: push, error: push };
}
