/**
 * The one registry of strategies. Names are stable kebab-case and used everywhere (CLI, scenarios,
 * results JSON, charts). Adding a strategy = one file exporting `strategy` + one line below; the
 * conformance suite, the benchmarks and the charts pick it up from here.
 */
import type { StrategyDef } from '../core/strategy.js';
import { strategy as roundRobin } from './round-robin.js';
import { strategy as weightedRoundRobin } from './weighted-round-robin.js';
import { strategy as random } from './random.js';
import { strategy as weightedRandom } from './weighted-random.js';
import { strategy as leastConnections } from './least-connections.js';
import { strategy as p2c } from './p2c.js';
import { strategy as peakEwma } from './peak-ewma.js';
import { strategy as leastTime } from './least-time.js';
import { strategy as ipHash } from './ip-hash.js';
import { strategy as consistentHash } from './consistent-hash.js';
import { strategy as maglev } from './maglev.js';
import { strategy as rendezvous } from './rendezvous.js';
import { strategy as boundedLoad } from './bounded-load.js';
import { strategy as sticky } from './sticky.js';
import { strategy as first } from './first.js';
import { strategy as jiq } from './jiq.js';
import { strategy as prequal } from './prequal.js';

/** Every registered strategy, in the order tables and charts list them. */
export const STRATEGIES: readonly StrategyDef<any>[] = [
  roundRobin,
  weightedRoundRobin,
  random,
  weightedRandom,
  leastConnections,
  p2c,
  peakEwma,
  leastTime,
  ipHash,
  consistentHash,
  maglev,
  rendezvous,
  boundedLoad,
  sticky,
  first,
  jiq,
  prequal,
];

const BY_NAME = new Map<string, StrategyDef<any>>(STRATEGIES.map((s) => [s.name, s]));

/** The registered names, in registry order. */
export function strategyNames(): string[] {
  return STRATEGIES.map((s) => s.name);
}

/** The definition registered as `name`, or undefined. */
export function findStrategy(name: string): StrategyDef<any> | undefined {
  return BY_NAME.get(name);
}
