import { describe, expect, it } from 'vitest';
import { pathToFileURL } from 'node:url';
import { isAppUrl, topFrameUrl } from '../../main/shell/app-url.ts';

const rendererDir = '/opt/app/resources/app.asar/out/renderer';
const page = pathToFileURL(`${rendererDir}/index.html`).href;

describe('isAppUrl', () => {
  it('accepts the built renderer and files under it', () => {
    expect(isAppUrl(page, { rendererDir })).toBe(true);
    expect(isAppUrl(`${page}#/settings`, { rendererDir })).toBe(true);
    expect(isAppUrl(pathToFileURL(`${rendererDir}/assets/x.js`).href, { rendererDir })).toBe(true);
  });

  it('refuses other files, look-alike folders and paths that climb out', () => {
    expect(isAppUrl('file:///etc/passwd', { rendererDir })).toBe(false);
    expect(isAppUrl(pathToFileURL(`${rendererDir}-evil/index.html`).href, { rendererDir })).toBe(false);
    expect(isAppUrl(`file://${rendererDir}/../../secret.html`, { rendererDir })).toBe(false);
    expect(isAppUrl(`file://${rendererDir}`, { rendererDir })).toBe(false);
  });

  it('refuses remote pages, missing and malformed URLs', () => {
    expect(isAppUrl('https://example.com/index.html', { rendererDir })).toBe(false);
    expect(isAppUrl('http://localhost:5173/', { rendererDir })).toBe(false);
    expect(isAppUrl(undefined, { rendererDir })).toBe(false);
    expect(isAppUrl('', { rendererDir })).toBe(false);
    expect(isAppUrl('not a url', { rendererDir })).toBe(false);
  });

  it('accepts the dev server origin only when one is configured', () => {
    const origins = { rendererDir, devServerUrl: 'http://localhost:5173/' };
    expect(isAppUrl('http://localhost:5173/index.html', origins)).toBe(true);
    expect(isAppUrl('http://localhost:5174/index.html', origins)).toBe(false);
    expect(isAppUrl('http://127.0.0.1:5173/', origins)).toBe(false);
    expect(isAppUrl(page, origins)).toBe(true);
  });
});

describe('topFrameUrl', () => {
  it('is the URL of a top frame only', () => {
    const top = { url: page, parent: null };
    expect(topFrameUrl(top)).toBe(page);
    expect(topFrameUrl({ url: page, parent: top })).toBeNull();
    expect(topFrameUrl(null)).toBeNull();
  });
});
