// WCAG 2.x contrast of the renderer's colours, read from renderer/style.css itself, in the
// light theme and the dark one: text and buttons need 4.5:1 (AA for normal text).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const css = readFileSync(join(import.meta.dirname, '..', '..', 'renderer', 'style.css'), 'utf8');

function vars(block: string): Record<string, string> {
  return Object.fromEntries([...block.matchAll(/--([\w-]+):\s*(#[0-9a-fA-F]{3,8})\b/g)].map((m) => [m[1]!, m[2]!]));
}
function blockAfter(marker: string): string {
  const start = css.indexOf(marker);
  if (start < 0) throw new Error(`${marker} not in style.css`);
  const open = css.indexOf('{', css.indexOf(':root', start));
  return css.slice(open, css.indexOf('}', open));
}
const light = vars(blockAfter(':root {'));
const dark = { ...light, ...vars(blockAfter('@media (prefers-color-scheme: dark)')) };

function luminance(hex: string): number {
  const h = hex.replace('#', '');
  const full = h.length === 3 ? [...h].map((c) => c + c).join('') : h.slice(0, 6);
  const [r, g, b] = [0, 2, 4].map((i) => Number.parseInt(full.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}
export function contrast(a: string, b: string): number {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x! + 0.05) / (y! + 0.05);
}

// [text, background]: every pairing the stylesheet draws text with.
const pairs: [string, string][] = [
  ['fg', 'bg'], ['fg', 'card'], ['muted', 'bg'], ['muted', 'card'],
  ['accent', 'card'], ['accent', 'bg'], ['ok', 'card'], ['warn', 'card'], ['bad', 'card'], ['bad', 'bg'],
  ['primary-fg', 'primary-bg'], ['danger-fg', 'danger-bg'],
];

describe('contrast of the renderer colours (WCAG AA, 4.5:1)', () => {
  it('computes the WCAG ratio (black on white is 21:1, the dark theme before the fix was 2.5:1)', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrast('#ffffff', '#60a5fa')).toBeCloseTo(2.54, 1);
  });
  for (const [name, theme] of [['light', light], ['dark', dark]] as const) {
    it(`${name} theme: every text and button pair is at least 4.5:1`, () => {
      const low = pairs.map(([t, b]) => ({ pair: `--${t} on --${b}`, ratio: Math.round(contrast(theme[t]!, theme[b]!) * 100) / 100 })).filter((p) => !(p.ratio >= 4.5));
      expect(low).toEqual([]);
    });
  }
});
