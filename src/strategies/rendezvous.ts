/**
 * Rendezvous (highest-random-weight) hashing: every eligible backend scores the key; the top
 * score wins.
 *
 * Reference: Thaler & Ravishankar, "Using Name-Based Mappings to Increase Hit Rates" (IEEE/ACM ToN
 * 1998); weighted form `score = −weight / ln(u)` (Schindelhauer & Schomaker's logarithmic method,
 * as in "Weighted Distributed Hash Tables", SPAA 2005); docs/strategies.md#rendezvous.
 * u = hash(key, backend) mapped into (0, 1): `u = (h + ½) / 2³²` with
 * `h = hashPair(murmur3(key), murmur3(name))` (MurmurHash3 x86_32, see core/hash.ts), the name
 * being the backend's `address` when the scenario gives one, else its id. With this score backend
 * i wins with probability weight_i / Σ weight, and a backend leaving (or becoming ineligible)
 * moves exactly the keys it held. Weights are the effective weights of the
 * view, so slow start and re-weights apply at once. Key: `hashKey`, else `clientAddr`.
 * Ties (probability ~2⁻³²) go to the lower list position.
 * Cost: O(n) per pick: one hash mix per eligible backend; with unequal weights a logarithm only for
 * the backends whose upper bound `w / (1 − u)` beats the best score so far (a few per pick); no
 * allocation.
 */
import { z } from 'zod';
import type { BackendSpec } from '../core/backend.js';
import { hashPair, murmur3 } from '../core/hash.js';
import type { Strategy, StrategyDef } from '../core/strategy.js';
import type { PickView, RequestInfo } from '../core/view.js';
import { requestKey } from './consistent-hash.js';
import { ln } from '../core/math.js';

const schema = z.object({}).strict();

/** Options of `rendezvous` (none). */
export type RendezvousOptions = z.infer<typeof schema>;

const TWO_NEG_32 = 1 / 4294967296;

/** Weighted HRW score of a backend of `weight` for a pair hash `h` (unsigned 32-bit). */
export function rendezvousScore(h: number, weight: number): number {
  return -weight / ln((h + 0.5) * TWO_NEG_32);
}

class Rendezvous implements Strategy {
  /** murmur3 of each backend id, by index. */
  private idHash = new Uint32Array(0);

  /** View version for which {@link equal} was computed. */
  private version = -1;
  /** True when every eligible backend has the same effective weight. */
  private equal = false;

  pick(view: PickView, req: Readonly<RequestInfo>): number {
    const count = view.count;
    if (count === 0) return -1;
    const list = view.list;
    const weight = view.weight;
    const ids = this.idHash;
    const k = murmur3(requestKey(req));
    let best = -1;
    if (view.version !== this.version) {
      this.version = view.version;
      this.equal = true;
      const w0 = weight[list[0]!]!;
      for (let p = 1; p < count; p++) if (weight[list[p]!] !== w0) this.equal = false;
    }
    if (this.equal) {
      // Equal weights: −w/ln(u) grows with u, so the top score is the top hash; skip the logarithm.
      let bestHash = -1;
      for (let p = 0; p < count; p++) {
        const i = list[p]!;
        const h = hashPair(k, ids[i]!);
        if (h > bestHash) {
          best = i;
          bestHash = h;
        }
      }
      return best;
    }
    // Unequal weights. −ln u ≥ 1 − u, so w / (1 − u) bounds the score from above (in floating point
    // too: 1 − u is exact here, and −ln u exceeds it by a relative (1 − u)/2 ≥ 2⁻³⁴, far beyond
    // ln's error; division rounds monotonically). A backend whose bound cannot beat the best
    // score so far cannot win, so its logarithm is skipped: the same pick, with a handful of
    // logarithms per pick instead of one per backend (the running best rises fast).
    let bestScore = -1;
    for (let p = 0; p < count; p++) {
      const i = list[p]!;
      const h = hashPair(k, ids[i]!);
      const w = weight[i]!;
      if (w / ((4294967296 - h - 0.5) * TWO_NEG_32) <= bestScore) continue;
      const s = rendezvousScore(h, w);
      if (s > bestScore) {
        best = i;
        bestScore = s;
      }
    }
    return best;
  }

  rebuild(specs: readonly BackendSpec[]): void {
    const ids = new Uint32Array(specs.length);
    for (let i = 0; i < specs.length; i++) ids[i] = murmur3(specs[i]!.address ?? specs[i]!.id);
    this.idHash = ids;
  }
}

/** `rendezvous`: weighted highest-random-weight hashing. */
export const strategy: StrategyDef<RendezvousOptions> = {
  name: 'rendezvous',
  description: 'Highest random weight: each backend scores −weight/ln(hash(key, backend)); the top score wins',
  reference: 'Thaler & Ravishankar 1998 (HRW); weighted logarithmic score (Schindelhauer & Schomaker 2005)',
  options: schema,
  weighted: true,
  spreads: false,
  cost: 'O(n)',
  create(): Strategy {
    return new Rendezvous();
  },
};
