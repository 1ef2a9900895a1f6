// The Deployments view in real Chromium against the real stack: every action reaches the
// object the operator chose (namespace and name), deleting what the app did not create asks
// for its name, Enter-Enter never deletes, Escape cancels, and other workloads sit behind a switch.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { DeploymentsResult } from '../../preload/contract/index.ts';
import { hasChromium, launchChromium, type Browser } from './browser.ts';
import { startStack, type Stack } from './stack.ts';

const MODEL = 'qwen2.5:0.5b';
// The page's focused element, in code that runs in the page (the test's tsconfig has no DOM types).
type Doc = { document: { activeElement: unknown } };
const focused = (n: unknown) => n === (globalThis as unknown as Doc).document.activeElement;
const holdsFocus = (n: unknown) => (n as { contains(x: unknown): boolean }).contains((globalThis as unknown as Doc).document.activeElement);

describe.skipIf(!hasChromium)('the Deployments view acts on namespace/name', { timeout: 40_000 }, () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  const listed = async () => (await stack.get<DeploymentsResult>('/api/deployments')).models.map((m) => `${m.namespace}/${m.name}`);
  const row = (namespace: string, name: string) => page.locator(`[data-test=deployments] tr[data-namespace="${namespace}"][data-name="${name}"]`);
  const dialog = () => page.getByRole('dialog');

  beforeAll(async () => {
    stack = await startStack();
    browser = await launchChromium({ width: 1440, height: 900 });
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.on('pageerror', (err) => pageErrors.push(err.message));
    // The case: the seed's team-a/jupyter (someone's notebook) and a model deployment of the same name here.
    const made = await stack.post('/api/deploy', { model_id: MODEL, deployment_name: 'jupyter', memory: 4 });
    expect(made.status, JSON.stringify(made.body)).toBe(200);
    await page.goto(`${stack.url}/?token=${encodeURIComponent(stack.token)}`);
    await row('model-hosting', 'jupyter').waitFor();
  }, 40_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('shows model deployments by default; the switch shows every workload and says how many are hidden', async () => {
    const all = (await stack.get<DeploymentsResult>('/api/deployments')).models;
    const others = all.filter((m) => !m.model_server);
    expect(others.map((m) => `${m.namespace}/${m.name}`)).toEqual(expect.arrayContaining(['team-a/web', 'team-a/jupyter', 'research/redis']));
    await row('model-hosting', 'ollama').waitFor();
    for (const m of others) expect(await row(m.namespace, m.name).count(), `${m.namespace}/${m.name}`).toBe(0);

    const toggle = page.getByRole('checkbox', { name: /Show every workload/ });
    await expect.poll(async () => (await page.locator('label', { has: toggle }).textContent())?.replace(/\s+/g, ' ').trim()).toBe(`Show every workload (${others.length} hidden)`);
    await page.screenshot({ path: '/tmp/actions-default-1440x900.png' });
    await toggle.check();
    for (const m of all) await row(m.namespace, m.name).waitFor();
    expect(await page.locator('[data-test=deployments] tbody tr[data-name]').count()).toBe(all.length);
  });

  it('Enter-Enter does not delete, Escape cancels, and focus returns to the row', async () => {
    const button = row('model-hosting', 'jupyter').getByRole('button', { name: 'Delete' });
    await button.focus();
    await page.keyboard.press('Enter');
    await dialog().waitFor();
    expect(await dialog().getAttribute('aria-modal')).toBe('true');
    await page.screenshot({ path: '/tmp/actions-managed-dialog-1440x900.png' });
    expect(await dialog().textContent()).toContain('model-hosting/jupyter');
    await page.keyboard.press('Enter');
    await dialog().waitFor({ state: 'hidden' });
    expect(await listed()).toContain('model-hosting/jupyter');

    await button.click();
    await dialog().waitFor();
    await page.keyboard.press('Escape');
    await dialog().waitFor({ state: 'hidden' });
    expect(await button.evaluate(focused)).toBe(true);
    // Tab stays inside an open dialog.
    await button.click();
    await dialog().waitFor();
    for (let i = 0; i < 4; i++) {
      await page.keyboard.press('Tab');
      expect(await dialog().evaluate(holdsFocus)).toBe(true);
    }
    await page.keyboard.press('Escape');
    await dialog().waitFor({ state: 'hidden' });
    expect(await listed()).toEqual(expect.arrayContaining(['model-hosting/jupyter', 'team-a/jupyter']));
  });

  it('deletes team-a/jupyter, which the app did not create, only after its name is typed; the other jupyter stays', async () => {
    await row('team-a', 'jupyter').getByRole('button', { name: 'Delete' }).click();
    await dialog().waitFor();
    const confirm = dialog().getByRole('button', { name: 'Delete team-a/jupyter' });
    const typed = dialog().getByRole('textbox');
    expect(await confirm.isDisabled()).toBe(true);
    // The typed-name input has the focus, so Enter there with nothing typed does nothing.
    expect(await typed.evaluate(focused)).toBe(true);
    await page.keyboard.press('Enter');
    await typed.fill('jupyte');
    await page.keyboard.press('Enter');
    expect(await confirm.isDisabled()).toBe(true);
    expect(await dialog().isVisible()).toBe(true);
    expect(await listed()).toContain('team-a/jupyter');

    await typed.fill('jupyter');
    expect(await confirm.isEnabled()).toBe(true);
    await page.screenshot({ path: '/tmp/actions-dialog-1440x900.png' });
    await page.setViewportSize({ width: 900, height: 700 });
    await page.screenshot({ path: '/tmp/actions-dialog-900x700.png' });
    await page.setViewportSize({ width: 1440, height: 900 });
    await confirm.click();
    await row('team-a', 'jupyter').waitFor({ state: 'detached', timeout: 10_000 });
    await expect.poll(listed).not.toContain('team-a/jupyter');
    expect(await listed()).toContain('model-hosting/jupyter');
    expect(await row('model-hosting', 'jupyter').count()).toBe(1);
  });

  it('deletes a model deployment after a second step that names it; an error names namespace/name', async () => {
    // A second model deployment of the same name in team-a: the one chosen goes, not its twin.
    const twin = await stack.post('/api/deploy', { model_id: MODEL, deployment_name: 'jupyter', memory: 4, namespace: 'team-a' });
    expect(twin.status, JSON.stringify(twin.body)).toBe(200);
    await row('team-a', 'jupyter').waitFor({ timeout: 10_000 });

    await row('model-hosting', 'jupyter').getByRole('button', { name: 'Delete' }).click();
    await dialog().waitFor();
    expect(await dialog().getByRole('textbox').count()).toBe(0); // made by this app: no name to type
    await dialog().getByRole('button', { name: 'Delete model-hosting/jupyter' }).click();
    await row('model-hosting', 'jupyter').waitFor({ state: 'detached', timeout: 10_000 });
    await expect.poll(listed).not.toContain('model-hosting/jupyter');
    expect(await listed()).toContain('team-a/jupyter');

    // Gone behind the dialog's back: the error says which object.
    await row('team-a', 'jupyter').getByRole('button', { name: 'Delete' }).click();
    await dialog().waitFor();
    expect((await stack.post('/api/delete', { deployment_name: 'jupyter', namespace: 'team-a' })).status).toBe(200);
    await dialog().getByRole('button', { name: 'Delete team-a/jupyter' }).click();
    await expect.poll(() => page.getByRole('alert').filter({ hasText: 'Delete team-a/jupyter:' }).textContent()).toContain('team-a/jupyter not found');
    expect(pageErrors).toEqual([]);
  });

  it('a two-step button elsewhere (Usage: Reset) is not confirmed by Enter-Enter, and Escape cancels it', async () => {
    expect((await stack.post('/api/usage/track', { model: MODEL })).status).toBe(200);
    const counted = async () => (await stack.get<{ models: { model: string; count: number }[] }>('/api/usage/ranking')).models.find((m) => m.model === MODEL)?.count ?? 0;
    expect(await counted()).toBeGreaterThan(0);
    await page.getByRole('tab', { name: 'Usage' }).click();
    const reset = page.getByRole('button', { name: 'Reset' });
    await reset.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Really clear all counts?' }).waitFor();
    await page.keyboard.press('Enter');
    await reset.waitFor();
    expect(await counted()).toBeGreaterThan(0);

    await reset.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Really clear all counts?' }).waitFor();
    await page.keyboard.press('Escape');
    await reset.waitFor();
    expect(await reset.evaluate(focused)).toBe(true);
    expect(await counted()).toBeGreaterThan(0);

    await reset.click();
    await page.getByRole('button', { name: 'Really clear all counts?' }).click();
    await expect.poll(counted).toBe(0);
    await page.getByRole('tab', { name: 'Deployments' }).click();
  });

  it('deploys through the form into the namespace given (default: the app\'s), and says namespace/name', async () => {
    const form = page.locator('form.deploy-form');
    const appNs = (await stack.get<{ namespace: string }>('/api/health')).namespace;
    expect(await form.locator('input[name=namespace]').inputValue()).toBe(appNs);
    await form.locator('input[name=model_id]').fill(MODEL);
    await form.getByTestId('estimate').waitFor();
    await form.locator('input[name=deployment_name]').fill('form-qwen');

    await form.locator('input[name=namespace]').fill('kube-system');
    await form.getByRole('button', { name: 'Deploy' }).click();
    await expect.poll(() => form.getByTestId('deploy-error').textContent()).toContain('namespace kube-system is a system namespace');

    await form.locator('input[name=namespace]').fill('team-a');
    await form.getByRole('button', { name: 'Deploy' }).click();
    await expect.poll(() => form.getByTestId('deploy-done').textContent()).toContain('team-a/form-qwen');
    expect(await form.getByTestId('deploy-done').textContent()).toContain('form-qwen.team-a.svc');
    await row('team-a', 'form-qwen').waitFor({ timeout: 10_000 });
    const made = (await stack.get<DeploymentsResult>('/api/deployments')).models.filter((m) => m.name === 'form-qwen');
    expect(made.map((m) => `${m.namespace}/${m.name}:${m.managed}`)).toEqual(['team-a/form-qwen:true']);
  });
});
