/**
 * Key and client-address popularity from a log, in bounded memory: exact counts for the first
 * {@link EXACT_KEYS} distinct values (keys that only appear later are counted in the distinct
 * estimate but get no count of their own — popular keys show up early), and the number of distinct
 * values by HyperLogLog (Flajolet, Fusy, Gandouet & Meunier, "HyperLogLog: the analysis of a
 * near-optimal cardinality estimation algorithm", AofA 2007; 2^12 registers, standard error
 * 1.04/√4096 ≈ 1.6 %, with the paper's small-range correction) over a 32-bit FNV-1a hash.
 *
 * Zipf exponent: the popularity model of Breslau et al. ("Web Caching and Zipf-like
 * Distributions", INFOCOM 1999): a least-squares line through (ln rank, ln count) over the ranks
 * whose count is at least {@link MIN_COUNT} (at most the top 1,000), exponent = −slope
 * (`simple-statistics` linearRegression). Written as `popularity: zipf` when the exponent is at
 * least 0.2 and the line explains the points (R² ≥ 0.8); otherwise `uniform`.
 */
import { linearRegression, rSquared, linearRegressionLine } from 'simple-statistics';

/** Distinct values counted exactly. */
export const EXACT_KEYS = 100_000;
/** Smallest count used in the Zipf regression. */
export const MIN_COUNT = 5;

const REGISTERS_LOG2 = 12;
const M = 1 << REGISTERS_LOG2;

/** 32-bit FNV-1a of a string's UTF-16 code units, finished with a murmur3-style avalanche. */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A HyperLogLog distinct counter. */
export class HyperLogLog {
  private readonly reg = new Uint8Array(M);

  add(s: string): void {
    const h = fnv1a(s);
    const j = h >>> (32 - REGISTERS_LOG2);
    const w = (h << REGISTERS_LOG2) >>> 0;
    const rho = w === 0 ? 32 - REGISTERS_LOG2 + 1 : Math.clz32(w) + 1;
    if (rho > this.reg[j]!) this.reg[j] = rho;
  }

  /** Estimated number of distinct values added. */
  estimate(): number {
    let sum = 0;
    let zeros = 0;
    for (let j = 0; j < M; j++) {
      sum += 2 ** -this.reg[j]!;
      if (this.reg[j] === 0) zeros++;
    }
    const alpha = 0.7213 / (1 + 1.079 / M);
    const e = (alpha * M * M) / sum;
    if (e <= 2.5 * M && zeros > 0) return M * Math.log(M / zeros);
    return e;
  }
}

/** Counts of one attribute (hash key, client address, session). */
export class Popularity {
  /** Value → its slot in {@link counts} (slots in first-seen order): a repeated value costs one lookup. */
  private readonly slots = new Map<string, number>();
  private counts = new Float64Array(1024);
  private readonly hll = new HyperLogLog();
  /** Values seen (non-empty). */
  total = 0;
  /** True once some distinct value could not get its own count. */
  capped = false;

  add(v: string): void {
    if (v === '') return;
    this.total++;
    const k = this.slots.get(v);
    if (k !== undefined) {
      this.counts[k]!++;
      return;
    }
    this.hll.add(v);
    const n = this.slots.size;
    if (n < EXACT_KEYS) {
      if (n === this.counts.length) {
        const grown = new Float64Array(n * 2);
        grown.set(this.counts);
        this.counts = grown;
      }
      this.slots.set(v, n);
      this.counts[n] = 1;
    } else this.capped = true;
  }

  /** Distinct values: exact when not capped, else the HyperLogLog estimate. */
  distinct(): number {
    return this.capped ? Math.max(this.slots.size, Math.round(this.hll.estimate())) : this.slots.size;
  }

  /** Counts in decreasing order, ties in first-seen order (the top `limit`). */
  top(limit: number): { value: string; count: number }[] {
    return [...this.slots.entries()]
      .map(([value, k]) => ({ value, count: this.counts[k]! }))
      .sort((a, b) => b.count - a.count)
      .slice(0, limit);
  }
}

/** A fitted population in scenario terms. */
export interface PopulationFit {
  count: number;
  popularity: 'uniform' | 'zipf';
  exponent: number;
  /** Share of requests taken by the most popular value. */
  topShare: number;
  /** R² of the rank–count line (NaN when too few points). */
  r2: number;
  /** Ranks used in the regression. */
  ranks: number;
  /** How it was estimated, in one line. */
  note: string;
}

/** Fits the population size and Zipf exponent (see the module header); undefined without values. */
export function fitPopulation(p: Popularity): PopulationFit | undefined {
  if (p.total === 0) return undefined;
  const count = p.distinct();
  const top = p.top(1000).filter((t) => t.count >= MIN_COUNT);
  const topShare = (p.top(1)[0]?.count ?? 0) / p.total;
  const distinctNote = p.capped ? `≈${count} distinct (HyperLogLog estimate)` : `${count} distinct`;
  if (top.length < 5) {
    return { count, popularity: 'uniform', exponent: 1, topShare, r2: NaN, ranks: top.length, note: `${distinctNote}; too few repeated values for a Zipf fit: uniform` };
  }
  const pts = top.map((t, i) => [Math.log(i + 1), Math.log(t.count)] as [number, number]);
  const line = linearRegression(pts);
  const r2 = rSquared(pts, linearRegressionLine(line));
  const exponent = -line.m;
  if (exponent >= 0.2 && r2 >= 0.8) {
    return {
      count,
      popularity: 'zipf',
      exponent: +exponent.toFixed(3),
      topShare,
      r2,
      ranks: top.length,
      note: `${distinctNote}; Zipf exponent ${exponent.toFixed(2)} from the top ${top.length} ranks (log-log least squares, R² ${r2.toFixed(2)})`,
    };
  }
  return {
    count,
    popularity: 'uniform',
    exponent: 1,
    topShare,
    r2,
    ranks: top.length,
    note: `${distinctNote}; rank–count slope ${(-exponent).toFixed(2)} (R² ${Number.isFinite(r2) ? r2.toFixed(2) : '–'}): not Zipf-like, uniform`,
  };
}
