/**
 * Colours. Strategies get one colour each, the same on every chart and for every results file
 * shown, in order of first appearance: Okabe & Ito's colour-blind-safe palette (2008, "Color
 * Universal Design"), reordered so the first lines are the most distinct, then Paul Tol's "muted"
 * scheme (https://personal.sron.nl/~pault/) for a 9th to 17th strategy. Backends (shares,
 * utilization, in-flight) use Tol's "vibrant" then "muted" schemes (16 distinct colours), then hues
 * a golden angle apart, so no two backends of a fleet share a colour; error kinds use Tol's "bright"
 * scheme; the health-over-time series use fixed colours of their own.
 */
import type { ResultsFile } from './types.js';

/** Okabe–Ito (blue, orange, green, vermillion, sky blue, reddish purple, yellow, black) then Tol muted. */
export const STRATEGY_COLOURS: readonly string[] = [
  '#0072B2', '#E69F00', '#009E73', '#D55E00', '#56B4E9', '#CC79A7', '#F0E442', '#000000',
  '#332288', '#88CCEE', '#44AA99', '#117733', '#999933', '#DDCC77', '#CC6677', '#882255', '#AA4499',
];

/** Tol vibrant (blue, cyan, teal, orange, red, magenta, grey) then Tol muted. */
export const BACKEND_COLOURS: readonly string[] = [
  '#0077BB', '#33BBEE', '#009988', '#EE7733', '#CC3311', '#EE3377', '#BBBBBB',
  '#332288', '#88CCEE', '#44AA99', '#117733', '#999933', '#DDCC77', '#CC6677', '#882255', '#AA4499',
];

/**
 * Strategy label → colour, by first appearance across all files (sweep points included); labels in
 * `first` take the first colours, in order (so a strategy can keep its colour from page to page).
 */
export function assignStrategyColours(files: readonly ResultsFile[], first: readonly string[] = []): Map<string, string> {
  const map = new Map<string, string>();
  const add = (label: string): void => {
    if (!map.has(label)) map.set(label, STRATEGY_COLOURS[map.size % STRATEGY_COLOURS.length] ?? '#000000');
  };
  for (const label of first) add(label);
  for (const f of files) {
    for (const r of f.results ?? []) add(r.strategy);
    for (const p of f.sweep?.points ?? []) for (const r of p.results) add(r.strategy);
  }
  return map;
}

/** Colour of the backend at position `index`. */
export function backendColour(index: number): string {
  const fixed = BACKEND_COLOURS[index];
  if (fixed !== undefined) return fixed;
  // beyond the palette: hues a golden angle (137.5°) apart, alternating two lightnesses
  const k = index - BACKEND_COLOURS.length;
  return hslHex((k * 137.508) % 360, 0.65, k % 2 === 0 ? 0.42 : 0.58);
}

/** `#rrggbb` of an HSL colour (hue in degrees, saturation and lightness 0..1). */
function hslHex(h: number, s: number, l: number): string {
  const a = s * Math.min(l, 1 - l);
  const f = (n: number): string => {
    const k = (n + h / 30) % 12;
    const v = l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(255 * v).toString(16).padStart(2, '0');
  };
  return `#${f(0)}${f(8)}${f(4)}`;
}

/** `#rrggbb` with an alpha, for fills. */
export function withAlpha(hex: string, alpha: number): string {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

/** Error kinds (refused, timeout, 5xx, reset, rate-limited, unavailable): Tol bright. */
export const ERROR_KIND_COLOURS = {
  refused: '#EE6677',
  timeout: '#CCBB44',
  http5xx: '#AA3377',
  reset: '#4477AA',
  rateLimited: '#66CCEE',
  unavailable: '#777777',
} as const;

/** Series of the backend-health chart: pool size (wide grey), healthy (blue), up (orange, dashed), failures (red). */
export const HEALTH_COLOURS = {
  backends: '#BBBBBB',
  healthy: '#0077BB',
  up: '#EE7733',
  errors: '#CC3311',
  /** Fill of a fault window. */
  fault: 'rgba(204, 51, 17, 0.10)',
} as const;

/**
 * Ordered values (a grid axis): `n` colours along viridis (van der Walt & Smith, matplotlib's
 * default map: perceptually uniform, colour-blind safe, readable in greyscale), from dark purple to
 * green; the pale yellow end is left out, it vanishes on a white page.
 */
export function sequentialColours(n: number): string[] {
  const stops = [
    [0x44, 0x01, 0x54],
    [0x3b, 0x52, 0x8b],
    [0x21, 0x91, 0x8c],
    [0x5e, 0xc9, 0x62],
    [0xb5, 0xde, 0x2b],
  ];
  const hex = (x: number): string => Math.round(x).toString(16).padStart(2, '0');
  return Array.from({ length: n }, (_, i) => {
    const t = n === 1 ? 0 : (i / (n - 1)) * (stops.length - 1);
    const k = Math.min(Math.floor(t), stops.length - 2);
    const f = t - k;
    const [a, b] = [stops[k]!, stops[k + 1]!];
    return `#${hex(a[0]! + (b[0]! - a[0]!) * f)}${hex(a[1]! + (b[1]! - a[1]!) * f)}${hex(a[2]! + (b[2]! - a[2]!) * f)}`;
  });
}
