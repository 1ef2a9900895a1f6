// Which URLs are the app's own: the built renderer under file://, or the dev server.
// Used to check the sender of every IPC message and to limit navigation. No electron here.
import { sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface AppOrigins {
  /** Absolute folder of the built renderer (out/renderer). */
  rendererDir: string;
  /** electron-vite's dev server (ELECTRON_RENDERER_URL), only in `npm start`. */
  devServerUrl?: string | null;
}

export function isAppUrl(raw: string | null | undefined, origins: AppOrigins): boolean {
  if (!raw) return false;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  if (url.protocol === 'file:') {
    let path: string;
    try {
      path = fileURLToPath(url);
    } catch {
      return false;
    }
    const dir = origins.rendererDir.endsWith(sep) ? origins.rendererDir : origins.rendererDir + sep;
    // `..` is resolved by URL parsing, so a path outside the folder cannot pass as inside it.
    return path.startsWith(dir);
  }
  if (origins.devServerUrl) {
    try {
      return url.origin === new URL(origins.devServerUrl).origin && (url.protocol === 'http:' || url.protocol === 'https:');
    } catch {
      return false;
    }
  }
  return false;
}

/**
 * The URL an IPC message speaks for: its frame's, when that frame is the window's top frame
 * (Electron's WebFrameMain has `parent` null there). A sub-frame (an iframe) never speaks for
 * the app, whatever its URL; a frame that is gone (null) neither.
 */
export function topFrameUrl(frame: { url: string; parent: unknown } | null | undefined): string | null {
  if (!frame || frame.parent) return null;
  return frame.url;
}
