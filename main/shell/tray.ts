// The tray: GPU use at a glance (refreshed every 10 s and when the cluster changes), and a
// menu to open the window, switch the REST API and quit.
import { Menu, Tray, clipboard, nativeImage } from 'electron';
import type { GpuStatusResult, Handlers } from '../../preload/contract/index.ts';
import type { EventBus } from '../core/events.ts';
import { toAppError } from '../core/errors.ts';
import type { SettingsStore } from '../core/settings.ts';
import type { RestSwitch } from './rest-switch.ts';
import { trayIconBitmap } from './tray-icon.ts';
import { trayText } from './tray-text.ts';

export interface TrayDeps {
  handlers: Handlers;
  events: Pick<EventBus, 'on'>;
  settings: SettingsStore;
  rest: RestSwitch;
  openWindow(): void;
  quit(): void;
}

const REFRESH_MS = 10_000;
const ICON_SIZE = 16;

export function createTray(deps: TrayDeps): { update(): void; dispose(): void } {
  const tray = new Tray(nativeImage.createFromBitmap(trayIconBitmap(ICON_SIZE, null), { width: ICON_SIZE, height: ICON_SIZE }));
  let last: GpuStatusResult | null = null;
  let error: string | null = null;

  const render = () => {
    const text = trayText(last, error);
    const settings = deps.settings.get();
    const server = deps.rest.server;
    tray.setToolTip(text.tooltip);
    if (process.platform === 'darwin') tray.setTitle(text.title);
    tray.setImage(nativeImage.createFromBitmap(trayIconBitmap(ICON_SIZE, last ? last.gpu_info.utilization_percent : null), { width: ICON_SIZE, height: ICON_SIZE }));
    tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: text.title, enabled: false },
        { type: 'separator' },
        { label: 'Open Kubernetes Model Manager', click: deps.openWindow },
        {
          label: server ? `REST API on ${server.url}` : deps.rest.lastError ? `REST API (failed: ${deps.rest.lastError})` : `REST API (port ${settings.restPort})`,
          type: 'checkbox',
          checked: settings.restEnabled,
          click: (item) => {
            deps.settings.update({ restEnabled: item.checked });
          },
        },
        // The login URL carries the token: copied on request only, never shown or logged.
        { label: 'Copy REST login URL', enabled: Boolean(server), click: () => server && clipboard.writeText(server.loginUrl()) },
        { type: 'separator' },
        { label: 'Quit', click: deps.quit },
      ]),
    );
  };

  const refresh = async () => {
    try {
      last = await deps.handlers.gpuStatus({});
      error = null;
    } catch (err) {
      error = toAppError(err).message;
    }
    render();
  };

  let pending: ReturnType<typeof setTimeout> | undefined;
  const soon = () => {
    clearTimeout(pending);
    pending = setTimeout(() => void refresh(), 500);
  };
  const timer = setInterval(() => void refresh(), REFRESH_MS);
  const offCluster = deps.events.on('clusterChanged', soon);
  const offSettings = deps.settings.onChange(render);
  tray.on('click', deps.openWindow);
  render();
  void refresh();

  return {
    update: render,
    dispose() {
      clearInterval(timer);
      clearTimeout(pending);
      offCluster();
      offSettings();
      tray.destroy();
    },
  };
}
