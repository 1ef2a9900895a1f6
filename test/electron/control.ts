// The test's handle on a stand-in app process: an HTTP endpoint on loopback. Its address is
// written to the file named by ELECTRON_STANDIN_CONTROL, and the stand-in's records are read
// (GET /state) and user actions done (POST /tray/menu, /tray/click, /window/close, ...) here.
import { createServer } from 'node:http';
import { writeFileSync } from 'node:fs';
import { app } from './app.ts';
import { BrowserWindow } from './browser-window.ts';
import { cdpUrl, profileDir } from './chromium.ts';
import { clipboard } from './misc.ts';
import { log, switches } from './records.ts';
import { session } from './session.ts';
import { Tray } from './tray-menu.ts';

type Action = (body: Record<string, unknown>) => unknown;

const actions: Record<string, Action> = {
  'GET /state': async () => ({
    pid: process.pid,
    ready: app.isReady(),
    hasLock: app.hasSingleInstanceLock(),
    cdpUrl: await cdpUrl(),
    profileDir: await profileDir(),
    windows: BrowserWindow.snapshots(),
    trays: Tray.all().map((t) => t.snapshot()),
    records: log,
  }),
  'GET /clipboard': () => ({ text: clipboard.readText() }),
  'POST /tray/menu': (b) => {
    const tray = Tray.all().filter((t) => !t.isDestroyed())[Number(b.tray ?? 0)];
    if (!tray?.menu) throw new Error('no tray menu');
    const item = tray.menu.pick(String(b.label));
    return { label: item.label, checked: item.checked };
  },
  'POST /tray/click': (b) => {
    const tray = Tray.all().filter((t) => !t.isDestroyed())[Number(b.tray ?? 0)];
    if (!tray) throw new Error('no tray');
    // https://www.electronjs.org/docs/latest/api/tray#event-click
    tray.emit('click', {}, { x: 0, y: 0, width: 16, height: 16 }, { x: 0, y: 0 });
    return {};
  },
  'POST /window/close': (b) => {
    const win = BrowserWindow.fromId(Number(b.id)) ?? BrowserWindow.getAllWindows()[0];
    if (!win) throw new Error('no window');
    return win.tryClose().then((closed) => ({ closed }));
  },
  'POST /app/quit': () => {
    app.quit();
    return {};
  },
  'POST /safe-storage': (b) => {
    switches.encryptionAvailable = Boolean(b.available);
    return {};
  },
  'POST /dialog/answer': (b) => {
    switches.dialogAnswers.push({ type: String(b.type), answer: b.answer });
    return {};
  },
  'POST /permission': async (b) => {
    const win = BrowserWindow.getAllWindows()[0];
    const granted = await session.defaultSession.requestPermission(win?.webContents, String(b.permission), win?.webContents.getURL() ?? '');
    const check = session.defaultSession.checkPermission(win?.webContents, String(b.permission), win?.webContents.getURL() ?? '');
    return { granted, check };
  },
};

export function startControl(): void {
  const file = process.env.ELECTRON_STANDIN_CONTROL;
  if (!file) return;
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', async () => {
      const action = actions[`${req.method} ${new URL(req.url ?? '/', 'http://x').pathname}`];
      try {
        if (!action) throw new Error('no such action');
        const out = await action(raw ? JSON.parse(raw) : {});
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(out ?? {}));
      } catch (err) {
        res.writeHead(409, { 'content-type': 'application/json' }).end(JSON.stringify({ error: (err as Error).message }));
      }
    });
  });
  // Not Electron's: a test that dies (its end of stdin closes) takes its app and Chromium with it.
  if (process.env.ELECTRON_STANDIN_EXIT_WITH_STDIN === '1') {
    process.stdin.on('data', () => {});
    process.stdin.on('end', () => app.exit(1));
  }
  // Electron runs until it quits: this server keeps the process alive as its loop would.
  server.listen(0, '127.0.0.1', () => {
    const addr = server.address() as { port: number };
    writeFileSync(file, JSON.stringify({ pid: process.pid, url: `http://127.0.0.1:${addr.port}` }));
  });
}
