/**
 * Bisection for the boundary of a monotone yes/no question over one setting (Burden & Faires,
 * "Numerical Analysis", §2.1, on a predicate instead of a sign): "does the SLO hold with c
 * backends / at this rate / at this speed?". The question is assumed monotone: on one side of the
 * boundary (`okSide`) every setting meets it. The search first probes the favourable end of the
 * range (if that fails, nothing in range meets it), then the unfavourable end unless it is known
 * to fail, then halves the interval between the last setting that met and the last that failed
 * until it is one step wide (integers) or `tolerance` of the setting (continuous).
 *
 * It is a state machine (`next` → a setting to try, `tell` → its outcome) so a driver can run the
 * probes of many searches (every strategy × every replication seed) as one batch per step.
 */

/** Options of a {@link Bisection}. */
export interface BisectionOptions {
  /** Range searched, inclusive. */
  min: number;
  max: number;
  /** Integer settings (backend counts) or continuous ones. */
  integer: boolean;
  /** Where the settings that meet the objective are: `high` (more backends, more speed) or `low` (lower rate). */
  okSide: 'high' | 'low';
  /** Relative width at which a continuous search stops (default 0.01). */
  tolerance?: number;
  /** True when the unfavourable end is known to fail (e.g. below the stability bound), so it is not probed. */
  badEndKnown?: boolean;
}

/** One search; see the module header. */
export class Bisection {
  /** The last setting that met the objective (the answer when done), or null. */
  okAt: number | null = null;
  /** The last setting that failed, or null. */
  badAt: number | null = null;
  /** Settings probed, in order, with their outcome. */
  readonly probes: { x: number; ok: boolean }[] = [];
  private done = false;
  private readonly tol: number;

  constructor(private readonly o: BisectionOptions) {
    if (!(o.max >= o.min)) throw new RangeError(`empty range ${o.min}..${o.max}`);
    this.tol = o.tolerance ?? 0.01;
  }

  private get goodEnd(): number {
    return this.o.okSide === 'high' ? this.o.max : this.o.min;
  }

  private get badEnd(): number {
    return this.o.okSide === 'high' ? this.o.min : this.o.max;
  }

  /** True when the search has its answer (or knows there is none in range). */
  get finished(): boolean {
    return this.done;
  }

  /** The answer: the setting nearest the boundary that meets the objective; null when none in range does. */
  get answer(): number | null {
    return this.okAt;
  }

  /** The next setting to probe, or null when finished. */
  next(): number | null {
    if (this.done) return null;
    if (this.probes.length === 0) return this.goodEnd;
    if (this.badAt === null) {
      if (this.o.badEndKnown) {
        // The unfavourable end fails by assumption: bisect from one step beyond it.
        this.badAt = this.o.integer ? this.badEnd + (this.o.okSide === 'high' ? -1 : 1) : this.badEnd;
      } else if (!this.probes.some((p) => p.x === this.badEnd)) return this.badEnd;
    }
    const ok = this.okAt!;
    const bad = this.badAt!;
    if (this.o.integer) {
      if (Math.abs(ok - bad) <= 1) return this.finish();
      return Math.floor((ok + bad) / 2); // strictly between, since they are ≥ 2 apart
    }
    if (Math.abs(ok - bad) <= this.tol * Math.max(Math.abs(ok), Math.abs(bad))) return this.finish();
    return (ok + bad) / 2;
  }

  private finish(): null {
    this.done = true;
    return null;
  }

  /** Records the outcome of probing `x` (the value `next` returned). */
  tell(x: number, ok: boolean): void {
    this.probes.push({ x, ok });
    if (ok) this.okAt = x;
    else this.badAt = x;
    if (this.probes.length === 1 && !ok) this.done = true; // the favourable end fails: nothing in range meets it
    if (this.probes.length === 2 && ok && x === this.badEnd) this.done = true; // even the unfavourable end meets it
    if (this.o.min === this.o.max) this.done = true; // a one-point range: its only probe decides
  }
}
