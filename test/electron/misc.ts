// dialog, shell, Notification, safeStorage, clipboard: each records what it was given.
import { EventEmitter } from 'node:events';
import { record, switches, takeDialogAnswer } from './records.ts';

function dropWindow(args: unknown[]): unknown {
  // The optional first argument is the parent window: https://www.electronjs.org/docs/latest/api/dialog
  return args.length > 1 ? args[1] : args[0];
}

export const dialog = {
  /** https://www.electronjs.org/docs/latest/api/dialog#dialogshowerrorboxtitle-content */
  showErrorBox(title: string, content: string): void {
    record('dialog.showErrorBox', { title, content });
  },
  /** https://www.electronjs.org/docs/latest/api/dialog#dialogshowmessageboxwindow-options: resolves { response, checkboxChecked }. */
  async showMessageBox(...args: unknown[]): Promise<{ response: number; checkboxChecked: boolean }> {
    const options = dropWindow(args) as Record<string, unknown>;
    const answer = takeDialogAnswer('messageBox') as number | undefined;
    record('dialog.showMessageBox', { options, response: answer ?? 0 });
    return { response: answer ?? 0, checkboxChecked: false };
  },
  /** https://www.electronjs.org/docs/latest/api/dialog#dialogshowopendialogwindow-options: resolves { canceled, filePaths }. */
  async showOpenDialog(...args: unknown[]): Promise<{ canceled: boolean; filePaths: string[] }> {
    const options = dropWindow(args) as Record<string, unknown>;
    const answer = takeDialogAnswer('openDialog') as string[] | undefined;
    record('dialog.showOpenDialog', { options, filePaths: answer ?? null });
    return answer ? { canceled: false, filePaths: answer } : { canceled: true, filePaths: [] };
  },
};

export const shell = {
  /** https://www.electronjs.org/docs/latest/api/shell#shellopenexternalurl-options */
  async openExternal(url: string, options?: Record<string, unknown>): Promise<void> {
    record('shell.openExternal', { url, options });
  },
  /** https://www.electronjs.org/docs/latest/api/shell#shellopenpathpath: resolves '' on success. */
  async openPath(path: string): Promise<string> {
    record('shell.openPath', { path });
    return '';
  },
  showItemInFolder(path: string): void {
    record('shell.showItemInFolder', { path });
  },
};

/** https://www.electronjs.org/docs/latest/api/notification */
export class Notification extends EventEmitter {
  readonly options: Record<string, unknown>;
  constructor(options: Record<string, unknown> = {}) {
    super();
    this.options = options;
  }
  static isSupported(): boolean {
    return true;
  }
  show(): void {
    record('Notification.show', { title: this.options.title, body: this.options.body });
    this.emit('show');
  }
  close(): void {
    this.emit('close');
  }
}

/** https://www.electronjs.org/docs/latest/api/safe-storage: no keyring here unless a test says so. */
export const safeStorage = {
  isEncryptionAvailable(): boolean {
    return switches.encryptionAvailable;
  },
  encryptString(plainText: string): Buffer {
    if (!switches.encryptionAvailable) throw new Error('Error while encrypting the text provided to safeStorage.encryptString. Encryption is not available.');
    return Buffer.from(`standin:${Buffer.from(plainText, 'utf8').toString('base64')}`);
  },
  decryptString(encrypted: Buffer): string {
    if (!switches.encryptionAvailable) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString. Decryption is not available.');
    const text = encrypted.toString('utf8');
    if (!text.startsWith('standin:')) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
    return Buffer.from(text.slice(8), 'base64').toString('utf8');
  },
  getSelectedStorageBackend(): string {
    return switches.encryptionAvailable ? 'basic_text' : 'unknown';
  },
};

let clip = '';
/** https://www.electronjs.org/docs/latest/api/clipboard */
export const clipboard = {
  writeText(text: string): void {
    clip = text;
    record('clipboard.writeText', { length: text.length });
  },
  readText(): string {
    return clip;
  },
};
