/**
 * Retry budget: retries may not exceed a fraction of requests, so a failing fleet is not hit by a
 * retry storm on top of its load.
 *
 * Reference: Finagle `RetryBudget` / `TokenRetryBudget` (each request deposits `percentCanRetry`
 * of a token, each retry withdraws a whole one) and the SRE book, ch. 22 "Addressing Cascading
 * Failures" (per-client retry budget of 10 %). Here the balance starts at 0 and is capped at
 * `burst` tokens (what a quiet period may save up), and Finagle's `minRetriesPerSec` floor is not
 * offered, so over any run `retries ≤ ratio × requests` holds exactly. The state is one number;
 * nothing allocates.
 * Sources, test vectors and departures: docs/mechanisms.md#retries.
 */
import type { RetryBudgetSettings } from '../../scenario/types.js';

/** A token bucket of retry allowance; see the module header. */
export class RetryBudget {
  private balance = 0;
  /** Retries granted so far. */
  granted = 0;
  /** Retries refused so far. */
  denied = 0;

  constructor(private readonly settings: RetryBudgetSettings) {}

  /** A new request arrived: it adds `ratio` of a retry to the budget (up to `burst` saved). */
  deposit(): void {
    const b = this.balance + this.settings.ratio;
    const cap = Math.max(this.settings.burst, 1);
    this.balance = b > cap ? cap : b;
  }

  /** Asks for one retry: true (and spent) if the budget holds a whole token. */
  tryRetry(): boolean {
    // a small epsilon so that 5 deposits of 0.2 make a whole token despite rounding
    if (this.balance >= 1 - 1e-9) {
      this.balance -= 1;
      this.granted++;
      return true;
    }
    this.denied++;
    return false;
  }
}
