/**
 * Strategies that behave pathologically in a scenario, with the reason in words: the report
 * collapses them (one click shows them) and the recommendation leaves them out. A strategy is
 * pathological when it completes no request, or when it drives one backend above
 * {@link HOT_UTILIZATION} while the fleet's average utilization stays below {@link CALM_UTILIZATION}
 * — the overload comes from the strategy's spread, not from the offered load (HAProxy `balance first`
 * without `maxconn` sends everything to the first server).
 */
import type { StrategyResult } from '../results/schema.js';
import type { StrategyChoice } from '../scenario/types.js';

/** Utilization above which a backend counts as overloaded. */
export const HOT_UTILIZATION = 0.95;
/** Fleet-average utilization below which an overloaded backend is the strategy's doing. */
export const CALM_UTILIZATION = 0.8;

const pct = (x: number): string => `${(100 * x).toFixed(x < 0.1 ? 1 : 0)} %`;

/** Why `r` is pathological (see the module header), or null. */
export function pathologyOf(r: StrategyResult, choice?: StrategyChoice, maxConnSet?: boolean): string | null {
  if (!(r.requests.completed > 0)) return 'completed no requests';
  if (r.backends.length < 2) return null;
  let hot = r.backends[0]!;
  let sum = 0;
  for (const b of r.backends) {
    sum += b.utilization;
    if (b.utilization > hot.utilization) hot = b;
  }
  const mean = sum / r.backends.length;
  if (hot.utilization > HOT_UTILIZATION && mean < CALM_UTILIZATION) {
    const hint = choice?.name === 'first' && maxConnSet === false ? ': first needs maxConn on the backends' : '';
    return `sends ${pct(hot.share)} of requests to ${hot.id}, at ${pct(hot.utilization)} utilization while the backends average ${pct(mean)}${hint}`;
  }
  return null;
}
