// The tray icon drawn in code (a GPU card with a fill level), so no image file is needed.
// Returns BGRA pixels for nativeImage.createFromBitmap. No electron here.
export function trayIconBitmap(size: number, fillPercent: number | null): Buffer {
  const buf = Buffer.alloc(size * size * 4);
  const set = (x: number, y: number, [b, g, r, a]: [number, number, number, number]) => {
    const i = (y * size + x) * 4;
    buf[i] = b;
    buf[i + 1] = g;
    buf[i + 2] = r;
    buf[i + 3] = a;
  };
  const edge: [number, number, number, number] = [120, 120, 120, 255];
  const level = fillPercent === null ? 0 : Math.max(0, Math.min(100, fillPercent));
  const colour: [number, number, number, number] = level >= 90 ? [40, 40, 220, 255] : level >= 70 ? [20, 160, 240, 255] : [80, 180, 40, 255];
  const top = 2;
  const bottom = size - 3;
  const filledFrom = bottom - Math.round(((bottom - top - 1) * level) / 100);
  for (let y = top; y <= bottom; y++) {
    for (let x = 2; x <= size - 3; x++) {
      const border = y === top || y === bottom || x === 2 || x === size - 3;
      if (border) set(x, y, edge);
      else if (y > filledFrom) set(x, y, colour);
    }
  }
  return buf;
}
