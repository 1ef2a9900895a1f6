// `npm start`: the desktop app against the current kubeconfig context, built and run by
// electron-vite once the Electron binary is there (see desktop.ts). Arguments go to electron-vite dev.
import { startDesktop } from './desktop.ts';

process.exit(await startDesktop(process.env, process.argv.slice(2)));
