// Debian's Chromium driven by playwright-core, with a fresh profile each time and the
// flags this closed network needs (no background connections to Google's hosts).
// Every page it opens is watched for console errors, uncaught page errors and CSP
// violations; each test of a file that imports this fails if one happened (see `problems`).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, selectors, type BrowserContext, type ConsoleMessage, type Page } from 'playwright-core';
import { afterEach } from 'vitest';

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`[e2e] skipped: ${CHROMIUM} is missing (CI installs it)`);

export interface Browser {
  context: BrowserContext;
  /** What went wrong in its pages since the last check (none is the only good answer). */
  problems(): string[];
  /** Throws naming every problem seen since the last check, and starts a new record. */
  assertNoConsoleErrors(): void;
  /**
   * A test that provokes console errors on purpose (a CORS refusal) names them, for the rest
   * of that test (until the next check). CSP violations and page errors are never excused.
   */
  expectConsoleErrors(...patterns: RegExp[]): void;
  close(): Promise<void>;
}

/**
 * Which console messages count. Every `console.error` counts, and so does every message
 * Chromium logs at error level (a script or asset that failed to load, a refused
 * connection, an exception), except one: "Failed to load resource: the server responded
 * with a status of 4xx" for a URL under /api/. That is the REST API's own answer (401 before
 * signing in, 400 for a bad name, 404, 409), which the UI receives and shows; the tests
 * provoke them on purpose, and Chromium logs every non-2xx fetch that way. A 5xx, or a 4xx
 * for anything that is not the API (a missing script, style or image), counts.
 */
export function countsAsError(message: { type: string; text: string; url?: string }): boolean {
  if (message.type !== 'error') return false;
  if (/^Failed to load resource: the server responded with a status of 4\d\d\b/.test(message.text) && message.url) {
    try {
      if (new URL(message.url).pathname.startsWith('/api/')) return false;
    } catch {
      // not a URL: it counts
    }
  }
  return true;
}

// Runs in every page before its own scripts: CSP violations (also the ones a caught
// exception hides, such as a JIT probe's refused `new Function`) reach the test.
function reportViolations(): void {
  // No DOM types in the tests' tsconfig: the page's globals as far as this needs them.
  const w = globalThis as unknown as { addEventListener(type: string, fn: (e: unknown) => void): void; __kmmCspViolation?: (v: string) => void };
  w.addEventListener('securitypolicyviolation', (e) => {
    const v = e as { violatedDirective: string; blockedURI: string; sourceFile: string; lineNumber: number };
    void w.__kmmCspViolation?.(`${v.violatedDirective} refused ${v.blockedURI || '(inline)'} at ${v.sourceFile || '?'}:${v.lineNumber}`);
  });
}

const open = new Set<Browser>();

// Registered in the file that imports this module, for all its tests (vitest isolates test
// files, so each file gets its own hook): a test in which a page logged an error fails.
if (process.env.VITEST) {
  afterEach(() => {
    for (const b of open) b.assertNoConsoleErrors();
  });
}

export async function launchChromium(viewport?: { width: number; height: number }): Promise<Browser> {
  selectors.setTestIdAttribute('data-test');
  const profile = mkdtempSync(join(tmpdir(), 'kmm-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    ...(viewport ? { viewport } : {}),
  });
  let problems: string[] = [];
  const excused: RegExp[] = [];
  const where = (page: Page) => {
    try {
      return page.url();
    } catch {
      return '?';
    }
  };
  const onConsole = (page: Page) => (msg: ConsoleMessage) => {
    const text = msg.text();
    const url = msg.location().url;
    if (!countsAsError({ type: msg.type(), text, url })) return;
    // Chromium's own line for a CSP refusal is a violation too, whatever was excused.
    const violation = /Content Security Policy/i.test(text);
    if (!violation && excused.some((p) => p.test(text))) return;
    problems.push(`console error on ${where(page)}: ${text}${url ? ` (${url})` : ''}`);
  };
  const watch = (page: Page) => {
    page.on('console', onConsole(page));
    page.on('pageerror', (err) => problems.push(`page error on ${where(page)}: ${err.message}`));
  };
  await context.exposeBinding('__kmmCspViolation', ({ page }, v: string) => void problems.push(`CSP violation on ${page ? where(page) : '?'}: ${v}`));
  await context.addInitScript(reportViolations);
  for (const page of context.pages()) {
    watch(page);
    // The first page already exists: the init script reaches it from its next navigation on.
  }
  context.on('page', watch);
  const browser: Browser = {
    context,
    problems: () => [...problems],
    assertNoConsoleErrors() {
      const seen = problems;
      problems = [];
      excused.length = 0;
      if (seen.length) throw new Error(`the page logged ${seen.length} error(s) or CSP violation(s):\n${seen.join('\n')}`);
    },
    expectConsoleErrors(...patterns) {
      excused.push(...patterns);
    },
    async close() {
      open.delete(browser);
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
  open.add(browser);
  return browser;
}
