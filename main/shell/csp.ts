// The page's one Content-Security-Policy. Electron sends it as a header (window.ts), the
// REST server sends it with every page (main/rest/static.ts), and the build writes it into
// renderer/index.html as a meta tag (cspMetaPlugin, in electron.vite.config.ts and in the
// e2e stack's build), which is what guards the file:// page. No electron import: the REST
// server and the build use it too.
import type { Plugin } from 'vite';

/** Directives a meta tag cannot carry (Chromium ignores them there and says so on the console). */
const HEADER_ONLY = new Set(['frame-ancestors', 'report-uri', 'sandbox']);

function directives(devServerUrl?: string | null): [string, string][] {
  const dev = devServerUrl ? new URL(devServerUrl) : null;
  return [
    ['default-src', "'self'"],
    // No 'unsafe-eval': zod runs jitless in the page (renderer/zod-config.ts).
    ['script-src', "'self'"],
    // Vite's dev server injects <style> elements, and Vue may set style attributes from markup.
    ['style-src', "'self' 'unsafe-inline'"],
    // Vite inlines small images and fonts as data: URLs.
    ['img-src', "'self' data:"],
    ['font-src', "'self' data:"],
    ['connect-src', dev ? `'self' ${dev.origin} ws://${dev.host}` : "'self'"],
    ['object-src', "'none'"],
    ['base-uri', "'none'"],
    ['form-action', "'none'"],
    ['frame-ancestors', "'none'"],
  ];
}

const render = (list: [string, string][]) => list.map(([name, value]) => `${name} ${value}`).join('; ');

/** The policy as a response header (Electron's session, the REST server). */
export function contentSecurityPolicy(devServerUrl?: string | null): string {
  return render(directives(devServerUrl));
}

/** The same policy as index.html's meta tag carries it: without the header-only directives. */
export function metaContentSecurityPolicy(devServerUrl?: string | null): string {
  return render(directives(devServerUrl).filter(([name]) => !HEADER_ONLY.has(name)));
}

const PLACEHOLDER = '%CONTENT_SECURITY_POLICY%';

/**
 * Vite plugin: fills index.html's `<meta http-equiv="Content-Security-Policy" content="%CONTENT_SECURITY_POLICY%">`
 * with the policy above. A build without it (or a page without the placeholder) fails, so
 * the page can never ship with a copy that drifted or with none.
 */
export function cspMetaPlugin(): Plugin {
  return {
    name: 'kmm-csp-meta',
    transformIndexHtml: {
      order: 'pre',
      handler(html, ctx) {
        if (!html.includes(PLACEHOLDER)) throw new Error(`${ctx.filename}: no ${PLACEHOLDER} meta tag to fill with the Content-Security-Policy`);
        const dev = ctx.server?.resolvedUrls?.local[0] ?? null;
        return html.replace(PLACEHOLDER, metaContentSecurityPolicy(dev));
      },
    },
  };
}
