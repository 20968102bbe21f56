import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../scenario/index.js';
import type { Scenario } from '../scenario/types.js';
import { checkJob } from './check-job.js';
import { decode, encode } from './codec.js';
import type { RunJob } from './job.js';

const SIMS = join(import.meta.dirname, '../../sims');
const shipped = readdirSync(SIMS).filter((f) => f.endsWith('.yaml')).sort();

/** `s` as a worker receives it: through the queue's codec. */
const wire = (s: Scenario): Scenario => decode(encode(s)) as Scenario;

describe('checkJob (a run taken from the queue, before it is simulated)', () => {
  it.each(shipped)('accepts every run of %s as it arrives from the queue', (f) => {
    const s = wire(loadScenario(join(SIMS, f)));
    for (const choice of s.strategies) expect(checkJob({ scenario: s, choice, seed: 1 })).toBeNull();
  });

  const base = (): RunJob => {
    const s = wire(loadScenario(join(SIMS, 'homogeneous.yaml')));
    return { scenario: s, choice: s.strategies[0]!, seed: 1 };
  };
  const withScenario = (edit: (s: Record<string, unknown>) => void): RunJob => {
    const job = base();
    const s = structuredClone(job.scenario) as unknown as Record<string, unknown>;
    edit(s);
    return { ...job, scenario: s as unknown as Scenario };
  };

  it('a field out of its bounds: one line naming the field path', () => {
    const job = withScenario((s) => ((s['backends'] as Record<string, unknown>[])[0]!['count'] = -3));
    expect(checkJob(job)).toMatch(/^scenario: backends\[0\]\.count: /);
  });

  it('a scenario that is not one (missing parts, wrong types): one line, no exception', () => {
    for (const scenario of [{}, { backends: 'x' }, { clients: null, backends: [] }]) {
      const r = checkJob({ ...base(), scenario: scenario as unknown as Scenario });
      expect(r).toMatch(/^scenario: /);
      expect(r).not.toContain('\n');
    }
  });

  it('a scenario with a field normalization never writes is refused', () => {
    const job = withScenario((s) => (s['extra'] = 1));
    expect(checkJob(job)).toBe('scenario: not a normalized lbsim scenario (it does not read back the same)');
  });

  it('an unknown strategy, or options the strategy rejects', () => {
    expect(checkJob({ ...base(), choice: { name: 'no-such', label: 'x', options: {} } })).toBe('strategy: unknown strategy "no-such"');
    expect(checkJob({ ...base(), choice: { name: 'p2c', label: 'p2c', options: { draws: 'many' } } })).toMatch(/^strategy p2c: invalid options \(/);
  });
});
