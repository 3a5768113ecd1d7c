import { parseCssColour, toHex } from '../../config/cssColour';
import type { Rgb } from '../../config/cssColour';

/** The page's own accent when the operator sets none: an indigo with 6.3:1 contrast against white. */
export const DEFAULT_ACCENT = '#4f46e5';
const WHITE: Rgb = { r: 255, g: 255, b: 255 };
const INK: Rgb = { r: 17, g: 24, b: 39 };
/** WCAG AA for normal text. */
const READABLE = 4.5;

export interface Theme {
  /** Fill of primary buttons. */
  accent: string;
  /** Text on the accent: white or ink, whichever reads better. */
  onAccent: string;
  /** The accent as text (links) on white: darkened until it reaches 4.5:1, so a pale brand colour stays legible. */
  accentText: string;
}

function channel(c: number): number {
  const s = c / 255;
  return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
}

export function relativeLuminance(c: Rgb): number {
  return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
}

export function contrastRatio(a: Rgb, b: Rgb): number {
  const [hi, lo] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x);
  return ((hi ?? 0) + 0.05) / ((lo ?? 0) + 0.05);
}

function darken(c: Rgb, factor: number): Rgb {
  return { r: Math.round(c.r * factor), g: Math.round(c.g * factor), b: Math.round(c.b * factor) };
}

/** The colour itself if it reads on white, else the lightest darker shade of it that does. */
function readableOnWhite(c: Rgb): Rgb {
  for (let factor = 1; factor > 0; factor -= 0.05) {
    const shade = darken(c, factor);
    if (contrastRatio(shade, WHITE) >= READABLE) return shade;
  }
  return INK;
}

function betterText(fill: Rgb): Rgb {
  return contrastRatio(fill, WHITE) >= contrastRatio(fill, INK) ? WHITE : INK;
}

/** A theme for any opaque accent: the page keeps its contrast whatever colour the operator's brand is. */
export function themeFor(accent: string | null): Theme {
  const base = parseCssColour(accent ?? DEFAULT_ACCENT) ?? INK;
  // A mid-tone reads well with neither white nor ink on it: its button is filled with a darker shade instead.
  const fill = contrastRatio(base, betterText(base)) >= READABLE ? base : readableOnWhite(base);
  return { accent: toHex(fill), onAccent: toHex(betterText(fill)), accentText: toHex(readableOnWhite(base)) };
}
