/** An opaque sRGB colour, each channel 0–255. */
export interface Rgb {
  r: number;
  g: number;
  b: number;
}

const NUMBER = String.raw`[+-]?(?:\d+\.?\d*|\.\d+)`;
const SEPARATED = (unit: string) => String.raw`\s*(${NUMBER})${unit}\s*`;
const RGB = new RegExp(String.raw`^rgb\(${SEPARATED('(%?)')}(?:,|\s)${SEPARATED('(%?)')}(?:,|\s)${SEPARATED('(%?)')}\)$`, 'i');
const HSL = new RegExp(String.raw`^hsl\(${SEPARATED('(?:deg)?')}(?:,|\s)${SEPARATED('%')}(?:,|\s)${SEPARATED('%')}\)$`, 'i');

function channel(value: string | undefined, percent: boolean): number | null {
  const n = Number(value);
  if (!Number.isFinite(n)) return null;
  const scaled = percent ? (n * 255) / 100 : n;
  return scaled < 0 || scaled > 255 ? null : Math.round(scaled);
}

function fromHex(text: string): Rgb | null {
  const match = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(text);
  if (!match?.[1]) return null;
  const digits = match[1].length === 3 ? [...match[1]].map((d) => d + d).join('') : match[1];
  return { r: parseInt(digits.slice(0, 2), 16), g: parseInt(digits.slice(2, 4), 16), b: parseInt(digits.slice(4, 6), 16) };
}

function fromRgb(text: string): Rgb | null {
  const m = RGB.exec(text);
  if (!m) return null;
  const r = channel(m[1], m[2] === '%');
  const g = channel(m[3], m[4] === '%');
  const b = channel(m[5], m[6] === '%');
  return r === null || g === null || b === null ? null : { r, g, b };
}

function fromHsl(text: string): Rgb | null {
  const m = HSL.exec(text);
  if (!m) return null;
  const [h, s, l] = [Number(m[1]), Number(m[2]) / 100, Number(m[3]) / 100];
  if (![h, s, l].every(Number.isFinite) || s < 0 || s > 1 || l < 0 || l > 1) return null;
  const k = (n: number) => (n + (((h % 360) + 360) % 360) / 30) % 12;
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => Math.round(255 * (l - a * Math.max(-1, Math.min(k(n) - 3, 9 - k(n), 1))));
  return { r: f(0), g: f(8), b: f(4) };
}

/**
 * Reads the opaque CSS colour forms an operator writes for a brand: `#rgb`, `#rrggbb`, `rgb(…)` and `hsl(…)`
 * (comma or space separated). Named colours and alpha are refused: the page computes contrast from the colour,
 * and a translucent accent would have none to compute.
 */
export function parseCssColour(text: string): Rgb | null {
  const trimmed = text.trim();
  return fromHex(trimmed) ?? fromRgb(trimmed) ?? fromHsl(trimmed);
}

export function toHex(colour: Rgb): string {
  return `#${[colour.r, colour.g, colour.b].map((c) => c.toString(16).padStart(2, '0')).join('')}`;
}
