/**
 * Comparing two runs: the scenario fields that changed, in written form, and each strategy's
 * figures before and after with the relative change; strategies in only one run are named.
 */
import { describe, expect, it } from 'vitest';
import { parseDocument, parseScenario } from '../../../src/scenario/index.js';
import { runScenario } from '../../../src/sim/run.js';
import { change, compareRuns, scenarioChanges } from './compare.js';

function run(backends: number, strategies: string): ReturnType<typeof runScenario> {
  const text = `name: c\nduration: 1s\nclients: { rate: 1500 }\nbackends: [{ count: ${backends}, service: { dist: exponential, mean: 1ms } }]\nstrategies: ${strategies}\n`;
  return runScenario(parseScenario(parseDocument(text, 'c.yaml'), 'c.yaml'));
}

describe('compare runs', () => {
  const before = run(2, '[round-robin, p2c]');
  const after = run(3, '[p2c, jiq]');

  it('lists the changed fields as a person wrote them', () => {
    expect(scenarioChanges(before, after)).toEqual([
      { path: 'backends[0].count', before: '2', after: '3' },
      { path: 'strategies[0]', before: 'round-robin', after: 'p2c' },
      { path: 'strategies[1]', before: 'p2c', after: 'jiq' },
    ]);
    expect(scenarioChanges(after, after)).toEqual([]);
  });

  it('pairs strategies by label and names those in one run only', () => {
    const c = compareRuns(before, after);
    expect(c.rows.map((r) => r.strategy)).toEqual(['p2c']);
    const p2c = (f: typeof before) => f.results.find((r) => r.strategy === 'p2c')!;
    expect(c.rows[0]?.p99).toEqual([p2c(before).latency.p99, p2c(after).latency.p99]);
    expect(c.onlyBefore).toEqual(['round-robin']);
    expect(c.onlyNow).toEqual(['jiq']);
  });

  it('writes a change with its sign and relative size', () => {
    expect(change(10, 5, String)).toBe('10 → 5 (−50 %)');
    expect(change(4, 4.1, String)).toBe('4 → 4.1 (+2.5 %)');
    expect(change(0, 3, String)).toBe('0 → 3');
  });
});
