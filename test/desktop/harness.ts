// One desktop app under test: the build, a home folder of its own (XDG_CONFIG_HOME, so
// userData is fresh), a kubeconfig (the simulated cluster's, or none) and the app process
// running against the Electron stand-in.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selectors, type Page } from 'playwright-core';
import { launchDesktop, type DesktopApp } from '../electron/client.ts';
import type { DesktopBuild } from './build.ts';

export interface Home {
  dir: string;
  userData: string;
  kubeconfig: string;
  env: NodeJS.ProcessEnv;
  remove(): void;
}

/** An operator's home with no kubeconfig yet (write one to `kubeconfig` to give it one). */
export function makeHome(extraEnv: NodeJS.ProcessEnv = {}): Home {
  const dir = mkdtempSync(join(tmpdir(), 'kmm-desktop-home-'));
  const config = join(dir, '.config');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: dir,
    XDG_CONFIG_HOME: config,
    KUBECONFIG: join(dir, 'kubeconfig'),
    // A login shell that answers at once (the app asks it for PATH at start).
    SHELL: '/bin/sh',
    LANG: 'C.UTF-8',
    ...extraEnv,
  };
  return { dir, userData: join(config, 'kubernetes-model-manager'), kubeconfig: join(dir, 'kubeconfig'), env, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

// The renderer marks what tests read with data-test (as test/e2e does).
selectors.setTestIdAttribute('data-test');

export function launch(build: DesktopBuild, home: Home, env: NodeJS.ProcessEnv = {}): Promise<DesktopApp> {
  return launchDesktop({ mainEntry: build.mainEntry, env: { ...home.env, ...env } });
}

/** Opens one of the app's views by its tab (a tab button, or a link in the header). */
export async function openView(page: Page, label: string): Promise<void> {
  await page.getByRole('tab', { name: label, exact: true }).or(page.getByRole('link', { name: label, exact: true })).first().click();
}
