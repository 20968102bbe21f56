import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { jobHash, runKey } from './hash.js';
import { runJob } from './job.js';
import { choice, testScenario } from '../sim/test/fixture.js';

const sc = testScenario({
  durationMs: 1_000,
  warmupMs: 100,
  intervalMs: 250,
  clients: { process: { arrival: 'poisson', rate: 2000 } },
  backends: [{ count: 3 }],
  strategies: [choice('round-robin'), choice('p2c')],
});

describe('run content keys', () => {
  it('a run reads none of the fields its key leaves out: name, description, seed, replications, strategy list, imported', () => {
    const other = {
      ...sc,
      name: 'other',
      description: 'changed',
      seed: 99,
      replications: 7,
      strategies: [choice('random')],
      imported: { format: 'nginx' as const, directives: { section: ['keepalive 32'] } },
    };
    for (const c of [choice('p2c'), choice('round-robin', {}, 'rr')]) {
      const a = runJob({ scenario: sc, choice: c, seed: 11 });
      const b = runJob({ scenario: other, choice: { ...c, label: 'renamed' }, seed: 11 });
      expect(isDeepStrictEqual(a, b)).toBe(true);
      expect(runKey({ scenario: other, choice: { ...c, label: 'renamed' }, seed: 11 })).toBe(runKey({ scenario: sc, choice: c, seed: 11 }));
    }
  });

  it('changes with what a run does read: the workload, the strategy, its options, the seed', () => {
    const base = runKey({ scenario: sc, choice: choice('p2c'), seed: 1 });
    expect(runKey({ scenario: sc, choice: choice('p2c'), seed: 2 })).not.toBe(base);
    expect(runKey({ scenario: sc, choice: choice('p2c', { draws: 3 }), seed: 1 })).not.toBe(base);
    expect(runKey({ scenario: sc, choice: choice('random'), seed: 1 })).not.toBe(base);
    const faster = { ...sc, backends: [{ ...sc.backends[0]!, speed: 2 }] };
    expect(runKey({ scenario: faster, choice: choice('p2c'), seed: 1 })).not.toBe(base);
    // the same content in another key order is the same run
    const reordered = Object.fromEntries(Object.entries(structuredClone(sc)).reverse()) as typeof sc;
    expect(runKey({ scenario: reordered, choice: choice('p2c'), seed: 1 })).toBe(base);
  });

  it('the queue job id depends on the lbsim version', () => {
    const job = { scenario: sc, choice: choice('p2c'), seed: 1 };
    expect(jobHash(job, '1.0.0')).toMatch(/^[0-9a-f]{64}$/);
    expect(jobHash(job, '1.0.0')).not.toBe(jobHash(job, '1.0.1'));
  });
});
