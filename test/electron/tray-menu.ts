// Tray, Menu, MenuItem and nativeImage: https://www.electronjs.org/docs/latest/api/tray,
// https://www.electronjs.org/docs/latest/api/menu, https://www.electronjs.org/docs/latest/api/menu-item,
// https://www.electronjs.org/docs/latest/api/native-image
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { record } from './records.ts';

export class NativeImage {
  readonly #bitmap: Buffer;
  readonly #size: { width: number; height: number };
  constructor(bitmap: Buffer, size: { width: number; height: number }) {
    this.#bitmap = bitmap;
    this.#size = size;
  }
  getSize() {
    return { ...this.#size };
  }
  isEmpty() {
    return this.#size.width === 0 || this.#size.height === 0;
  }
  toBitmap() {
    return Buffer.from(this.#bitmap);
  }
  getBitmap() {
    return this.toBitmap();
  }
  toPNG() {
    return Buffer.alloc(0);
  }
  /** Mean of the non-transparent pixels' BGRA values, for tests that read the icon. */
  summary() {
    return { ...this.#size, bytes: this.#bitmap.length };
  }
}

export const nativeImage = {
  /**
   * https://www.electronjs.org/docs/latest/api/native-image#nativeimagecreatefrombitmapbuffer-options:
   * a buffer of width*height*4 bytes (BGRA); another length is refused.
   */
  createFromBitmap(buffer: Buffer, options: { width: number; height: number; scaleFactor?: number }): NativeImage {
    if (!options || !options.width || !options.height) throw new Error('width and height are required');
    if (buffer.length !== options.width * options.height * 4) throw new Error('Invalid buffer size');
    return new NativeImage(Buffer.from(buffer), { width: options.width, height: options.height });
  },
  createEmpty(): NativeImage {
    return new NativeImage(Buffer.alloc(0), { width: 0, height: 0 });
  },
  createFromPath(path: string): NativeImage {
    try {
      readFileSync(path);
      return new NativeImage(Buffer.alloc(0), { width: 16, height: 16 });
    } catch {
      return nativeImage.createEmpty(); // "If the path does not exist... an empty image"
    }
  },
  createFromDataURL(_url: string): NativeImage {
    return new NativeImage(Buffer.alloc(0), { width: 16, height: 16 });
  },
};

type Click = (item: MenuItem, window: unknown, event: Record<string, unknown>) => void;

export class MenuItem {
  label: string;
  type: string;
  checked: boolean;
  enabled: boolean;
  visible: boolean;
  id?: string;
  role?: string;
  click?: Click;
  submenu?: Menu;
  constructor(options: Record<string, unknown>) {
    this.label = String(options.label ?? '');
    // "type ... Can be normal, separator, submenu, checkbox or radio"; submenu implies submenu.
    this.type = String(options.type ?? (options.submenu ? 'submenu' : 'normal'));
    this.checked = Boolean(options.checked);
    this.enabled = options.enabled !== false;
    this.visible = options.visible !== false;
    if (typeof options.id === 'string') this.id = options.id;
    if (typeof options.role === 'string') this.role = options.role;
    if (typeof options.click === 'function') this.click = options.click as Click;
    if (options.submenu) this.submenu = options.submenu instanceof Menu ? options.submenu : Menu.buildFromTemplate(options.submenu as Record<string, unknown>[]);
  }
}

export class Menu extends EventEmitter {
  readonly items: MenuItem[] = [];

  /** https://www.electronjs.org/docs/latest/api/menu#menubuildfromtemplatetemplate */
  static buildFromTemplate(template: Record<string, unknown>[]): Menu {
    const menu = new Menu();
    for (const t of template) menu.append(t instanceof MenuItem ? t : new MenuItem(t));
    return menu;
  }

  static setApplicationMenu(menu: Menu | null): void {
    record('Menu.setApplicationMenu', { items: menu ? menu.snapshot() : null });
  }

  append(item: MenuItem): void {
    this.items.push(item);
  }

  getMenuItemById(id: string): MenuItem | null {
    return this.items.find((i) => i.id === id) ?? null;
  }

  /**
   * The user picking an item. https://www.electronjs.org/docs/latest/api/menu-item: a
   * checkbox "will toggle the checked property on and off when selected", then `click` runs
   * with (menuItem, browserWindow, event); a disabled item cannot be picked.
   */
  pick(label: string): MenuItem {
    const item = this.items.find((i) => i.type !== 'separator' && i.visible && (i.label === label || i.label.startsWith(label)));
    if (!item) throw new Error(`no menu item "${label}" (items: ${this.items.map((i) => i.label).join(' | ')})`);
    if (!item.enabled) throw new Error(`menu item "${item.label}" is disabled`);
    if (item.type === 'checkbox') item.checked = !item.checked;
    record('Menu.click', { label: item.label, checked: item.checked });
    item.click?.(item, undefined, { shiftKey: false, ctrlKey: false, altKey: false, metaKey: false, triggeredByAccelerator: false });
    return item;
  }

  snapshot(): { label: string; type: string; checked: boolean; enabled: boolean }[] {
    return this.items.map((i) => ({ label: i.label, type: i.type, checked: i.checked, enabled: i.enabled }));
  }
}

const trays: Tray[] = [];

export class Tray extends EventEmitter {
  #image: NativeImage;
  #tooltip = '';
  #title = '';
  #menu: Menu | null = null;
  #destroyed = false;
  readonly history: { tooltip: string }[] = [];

  /** https://www.electronjs.org/docs/latest/api/tray#new-trayimage-guid */
  constructor(image: NativeImage | string) {
    super();
    this.#image = typeof image === 'string' ? nativeImage.createFromPath(image) : image;
    trays.push(this);
    record('Tray.new', { size: this.#image.getSize() });
  }

  setImage(image: NativeImage): void {
    this.#image = image;
  }

  setToolTip(tooltip: string): void {
    if (tooltip !== this.#tooltip) this.history.push({ tooltip });
    this.#tooltip = tooltip;
  }

  /** macOS only: https://www.electronjs.org/docs/latest/api/tray#traysettitletitle-options */
  setTitle(title: string): void {
    this.#title = title;
  }

  getTitle(): string {
    return this.#title;
  }

  setContextMenu(menu: Menu | null): void {
    this.#menu = menu;
  }

  destroy(): void {
    this.#destroyed = true;
    record('Tray.destroy');
  }

  isDestroyed(): boolean {
    return this.#destroyed;
  }

  get menu(): Menu | null {
    return this.#menu;
  }

  snapshot() {
    return { tooltip: this.#tooltip, title: this.#title, destroyed: this.#destroyed, image: this.#image.summary(), menu: this.#menu?.snapshot() ?? null, tooltips: this.history.map((h) => h.tooltip) };
  }

  static all(): Tray[] {
    return trays;
  }
}
