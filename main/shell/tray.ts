// The tray: GPU use at a glance, changed when the cluster changes (the core pushes GPU status
// and pulls), and a menu with a line per GPU node, the loaded models and the pulls running, to
// open the window, switch the REST API and quit.
import { Menu, Tray, clipboard, nativeImage } from 'electron';
import type { GpuStatusResult, Handlers, OllamaModel, PullProgress } from '../../preload/contract/index.ts';
import type { EventBus } from '../core/events.ts';
import { toAppError } from '../core/errors.ts';
import type { SettingsStore } from '../core/settings.ts';
import type { RestSwitch } from './rest-switch.ts';
import { trayIconBitmap } from './tray-icon.ts';
import { statusLines, trayText } from './tray-text.ts';

export interface TrayDeps {
  handlers: Handlers;
  events: Pick<EventBus, 'on'>;
  settings: SettingsStore;
  rest: RestSwitch;
  openWindow(): void;
  quit(): void;
}

const ICON_SIZE = 16;
/** Drawn at twice the size and marked so: crisp on HiDPI screens. */
const ICON_SCALE = 2;
/** Loaded models are asked of Ollama at most this often. */
const MODELS_EVERY_MS = 10_000;

const icon = (percent: number | null) =>
  nativeImage.createFromBitmap(trayIconBitmap(ICON_SIZE * ICON_SCALE, percent), { width: ICON_SIZE * ICON_SCALE, height: ICON_SIZE * ICON_SCALE, scaleFactor: ICON_SCALE });

export function createTray(deps: TrayDeps): { update(): void; dispose(): void } {
  const tray = new Tray(icon(null));
  let last: GpuStatusResult | null = null;
  let error: string | null = null;
  let loaded: OllamaModel[] = [];
  let modelsAskedAt = 0;
  const pulls = new Map<string, PullProgress>();
  let pullRender: ReturnType<typeof setTimeout> | undefined;

  const render = () => {
    const text = trayText(last, error);
    const settings = deps.settings.get();
    const server = deps.rest.server;
    tray.setToolTip(text.tooltip);
    if (process.platform === 'darwin') tray.setTitle(text.title);
    tray.setImage(icon(last ? last.gpu_info.utilization_percent : null));
    tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: text.title, enabled: false },
        ...statusLines(last, loaded, [...pulls.values()]),
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

  /** Ollama's loaded models, asked now and then (the menu is not worth an Ollama call per push). */
  const askModels = async () => {
    if (Date.now() - modelsAskedAt < MODELS_EVERY_MS) return;
    modelsAskedAt = Date.now();
    try {
      loaded = (await deps.handlers.listModels({})).models.filter((m) => m.loaded);
    } catch {
      loaded = [];
    }
    render();
  };
  const refresh = async () => {
    try {
      last = await deps.handlers.gpuStatus({});
      error = null;
    } catch (err) {
      error = toAppError(err).message;
    }
    render();
    void askModels();
  };

  const offs = [
    deps.events.on('gpuStatusChanged', (status) => {
      last = status;
      error = null;
      render();
      void askModels();
    }),
    deps.events.on('pullProgress', (p) => {
      if (p.finished_at) pulls.delete(p.model);
      else pulls.set(p.model, p);
      // Progress comes several times a second: the menu follows at most once a second.
      pullRender ??= setTimeout(() => {
        pullRender = undefined;
        render();
      }, 1_000);
    }),
    // Lost or back: read again (an error then shows in the tooltip).
    deps.events.on('healthChanged', () => void refresh()),
  ];
  const offSettings = deps.settings.onChange(render);
  tray.on('click', deps.openWindow);
  render();
  void refresh();

  return {
    update: render,
    dispose() {
      clearTimeout(pullRender);
      for (const off of offs) off();
      offSettings();
      tray.destroy();
    },
  };
}
