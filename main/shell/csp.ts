// The page's Content-Security-Policy (also in renderer/index.html as a meta tag).
// Styles allow 'unsafe-inline' because Vite's dev server injects <style> elements.
export function contentSecurityPolicy(devServerUrl?: string | null): string {
  const dev = devServerUrl ? new URL(devServerUrl) : null;
  const connect = dev ? `'self' ${dev.origin} ws://${dev.host}` : "'self'";
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    `connect-src ${connect}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
