// session.defaultSession with webRequest and the permission handlers:
// https://www.electronjs.org/docs/latest/api/session
import { record } from './records.ts';

export interface HeadersDetails {
  id: number;
  url: string;
  method: string;
  resourceType: string;
  statusCode: number;
  statusLine: string;
  responseHeaders: Record<string, string[]>;
  frame?: unknown;
  webContents?: unknown;
}
export interface HeadersResponse {
  cancel?: boolean;
  responseHeaders?: Record<string, string | string[]>;
  statusLine?: string;
}
type HeadersListener = (details: HeadersDetails, callback: (response: HeadersResponse) => void) => void;
type PermissionRequestHandler = (webContents: unknown, permission: string, callback: (granted: boolean) => void, details: Record<string, unknown>) => void;
type PermissionCheckHandler = (webContents: unknown, permission: string, requestingOrigin: string, details: Record<string, unknown>) => boolean;

class WebRequest {
  headersListener: HeadersListener | null = null;

  /**
   * https://www.electronjs.org/docs/latest/api/web-request#webrequestonheadersreceivedfilter-listener:
   * one listener (a new one replaces the old; null removes it); the callback's
   * responseHeaders replace the response's headers.
   */
  onHeadersReceived(filterOrListener: unknown, maybeListener?: HeadersListener | null): void {
    const listener = (typeof filterOrListener === 'function' || filterOrListener === null ? filterOrListener : maybeListener) as HeadersListener | null;
    this.headersListener = listener ?? null;
    record('webRequest.onHeadersReceived', { set: Boolean(listener) });
  }

  /** Applies the listener to one response, as Chromium's network service would. */
  apply(details: HeadersDetails): Promise<HeadersResponse> {
    const listener = this.headersListener;
    if (!listener) return Promise.resolve({});
    return new Promise((resolve) => listener(details, (response) => resolve(response ?? {})));
  }
}

class Session {
  readonly webRequest = new WebRequest();
  permissionRequestHandler: PermissionRequestHandler | null = null;
  permissionCheckHandler: PermissionCheckHandler | null = null;

  /** https://www.electronjs.org/docs/latest/api/session#sessetpermissionrequesthandlerhandler */
  setPermissionRequestHandler(handler: PermissionRequestHandler | null): void {
    this.permissionRequestHandler = handler;
    record('session.setPermissionRequestHandler', { set: Boolean(handler) });
  }

  /** https://www.electronjs.org/docs/latest/api/session#sessetpermissioncheckhandlerhandler */
  setPermissionCheckHandler(handler: PermissionCheckHandler | null): void {
    this.permissionCheckHandler = handler;
    record('session.setPermissionCheckHandler', { set: Boolean(handler) });
  }

  /**
   * A page asking for a permission (the test names one): without a handler Electron grants it
   * (https://www.electronjs.org/docs/latest/api/session#sessetpermissionrequesthandlerhandler,
   * "To clear the handler, call setPermissionRequestHandler(null)... permissions are granted by default").
   */
  requestPermission(webContents: unknown, permission: string, origin: string): Promise<boolean> {
    const handler = this.permissionRequestHandler;
    if (!handler) return Promise.resolve(true);
    return new Promise((resolve) => handler(webContents, permission, resolve, { requestingUrl: origin, isMainFrame: true }));
  }

  checkPermission(webContents: unknown, permission: string, origin: string): boolean {
    return this.permissionCheckHandler ? this.permissionCheckHandler(webContents, permission, origin, { requestingUrl: origin, isMainFrame: true }) : true;
  }
}

export const session = { defaultSession: new Session() };
