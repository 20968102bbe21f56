/**
 * A bounded search for the minimum of a noisy objective over a few integer or continuous settings:
 * cyclic coordinate descent (Nocedal & Wright, "Numerical Optimization", 2nd ed., §9.3), each
 * coordinate searched in one dimension by a coarse grid (every integer when the range is small,
 * else five points, log-spaced for log settings) to find the best region — robust when the
 * objective is not unimodal over the whole range — then golden-section search (Kiefer 1953; Press
 * et al., "Numerical Recipes", 3rd ed., §10.2) inside the grid cells around the best point, down
 * to adjacent integers or 2 % of the setting. At most `budget` distinct settings are evaluated
 * (repeats are free); coordinates are cycled at most `rounds` times, stopping early when a whole
 * round improves nothing. Deterministic: the same objective gives the same path (log scales use
 * the project's own `ln`/`exp`, `src/core/math.ts`, so the settings tried do not depend on the
 * JavaScript engine).
 */
import { exp, ln } from '../core/math.js';

/** One dimension of the search. */
export interface SearchDim {
  min: number;
  max: number;
  integer: boolean;
  log: boolean;
  /** Where to start (null: the middle of the range, geometric on a log scale). */
  initial: number | null;
}

/** Evaluates settings in a batch (one vector per setting), resolving to their objective values. */
export type Objective = (xs: readonly number[][]) => Promise<number[]>;

/** The search's outcome. */
export interface SearchResult {
  best: number[];
  value: number;
  /** Every distinct setting evaluated, in order. */
  evaluated: { x: number[]; value: number }[];
}

const PHI = (Math.sqrt(5) - 1) / 2;

/** Options of {@link searchSettings}. */
export interface SearchOptions {
  /** Distinct settings to evaluate at most (default 20). */
  budget?: number;
  /** Coordinate-descent rounds at most (default 2). */
  rounds?: number;
  /** Grid points per coordinate when not every integer is tried (default 5). */
  grid?: number;
}

/** Runs the search (see the module header). */
export async function searchSettings(dims: readonly SearchDim[], objective: Objective, opts: SearchOptions = {}): Promise<SearchResult> {
  const budget = Math.max(1, opts.budget ?? 20);
  const rounds = opts.rounds ?? 2;
  const gridN = Math.max(3, opts.grid ?? 5);
  const cache = new Map<string, number>();
  const evaluated: { x: number[]; value: number }[] = [];
  const key = (x: readonly number[]): string => x.map((v) => String(v)).join(',');
  const snap = (d: SearchDim, v: number): number => {
    const c = Math.min(d.max, Math.max(d.min, v));
    return d.integer ? Math.round(c) : +c.toPrecision(12);
  };
  const toT = (d: SearchDim, v: number): number => (d.log ? ln(v) : v);
  const fromT = (d: SearchDim, t: number): number => snap(d, d.log ? exp(t) : t);

  /** Evaluates the settings not seen yet (within the budget); returns each one's value (Infinity if not evaluated). */
  const evalAll = async (xs: number[][]): Promise<number[]> => {
    const fresh: number[][] = [];
    for (const x of xs) {
      const k = key(x);
      if (!cache.has(k) && !fresh.some((f) => key(f) === k) && cache.size + fresh.length < budget) fresh.push(x);
    }
    if (fresh.length > 0) {
      const vals = await objective(fresh);
      fresh.forEach((x, i) => {
        const v = Number.isFinite(vals[i]!) ? vals[i]! : Infinity;
        cache.set(key(x), v);
        evaluated.push({ x: [...x], value: v });
      });
    }
    return xs.map((x) => cache.get(key(x)) ?? Infinity);
  };

  const cur = dims.map((d) => (d.initial !== null ? snap(d, d.initial) : fromT(d, (toT(d, d.min) + toT(d, d.max)) / 2)));
  let [curVal] = await evalAll([cur]);
  const at = (i: number, v: number): number[] => cur.map((c, j) => (j === i ? v : c));

  for (let round = 0; round < rounds; round++) {
    let improved = false;
    for (let i = 0; i < dims.length; i++) {
      if (cache.size >= budget) break;
      const d = dims[i]!;
      const span = d.max - d.min;
      // 1. the grid
      let pts: number[];
      if (d.integer && span + 1 <= Math.max(gridN, Math.min(12, budget - cache.size + 1))) {
        pts = Array.from({ length: span + 1 }, (_, k) => d.min + k);
      } else {
        const lo = toT(d, d.min);
        const hi = toT(d, d.max);
        pts = Array.from({ length: gridN }, (_, k) => fromT(d, lo + ((hi - lo) * k) / (gridN - 1)));
      }
      pts = [...new Set([...pts, cur[i]!])].sort((a, b) => a - b);
      const vals = await evalAll(pts.map((p) => at(i, p)));
      let b = 0;
      for (let k = 1; k < pts.length; k++) if (vals[k]! < vals[b]!) b = k;
      let bestX = pts[b]!;
      let bestV = vals[b]!;
      // 2. golden section between the best grid point's neighbours
      let a = toT(d, pts[Math.max(0, b - 1)]!);
      let c = toT(d, pts[Math.min(pts.length - 1, b + 1)]!);
      const narrow = (): boolean => {
        const lo = fromT(d, a);
        const hi = fromT(d, c);
        return d.integer ? hi - lo <= 2 : d.log ? c - a <= 0.02 : hi - lo <= 0.02 * Math.max(Math.abs(lo), Math.abs(hi), 1e-12);
      };
      while (!narrow() && cache.size < budget) {
        const x1 = fromT(d, c - PHI * (c - a));
        const x2 = fromT(d, a + PHI * (c - a));
        const [v1, v2] = await evalAll([at(i, x1), at(i, x2)]);
        for (const [x, v] of [[x1, v1!], [x2, v2!]] as const)
          if (v < bestV || (v === bestV && x < bestX)) {
            bestX = x;
            bestV = v;
          }
        if (x1 === x2 && d.integer) break;
        if (v1! <= v2!) c = toT(d, x2);
        else a = toT(d, x1);
      }
      if (d.integer && cache.size < budget) {
        // the last few integers of the bracket, one by one
        const lo = fromT(d, a);
        const hi = fromT(d, c);
        const rest = Array.from({ length: hi - lo + 1 }, (_, k) => lo + k);
        const rv = await evalAll(rest.map((p) => at(i, p)));
        rest.forEach((p, k) => {
          if (rv[k]! < bestV) {
            bestX = p;
            bestV = rv[k]!;
          }
        });
      }
      if (bestV < curVal!) {
        cur[i] = bestX;
        curVal = bestV;
        improved = true;
      }
    }
    if (!improved || cache.size >= budget) break;
  }
  return { best: cur, value: curVal!, evaluated };
}
