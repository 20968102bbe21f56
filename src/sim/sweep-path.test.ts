import { describe, it, expect } from 'vitest';
import { withValue } from './sweep-path.js';
import { testScenario, choice } from './test/fixture.js';

const base = testScenario({
  durationMs: 3_000,
  warmupMs: 300,
  intervalMs: 500,
  clients: { process: { arrival: 'poisson', rate: 1000 } },
  backends: [{ count: 4 }],
  strategies: [choice('round-robin'), choice('p2c')],
});

describe('sweep paths', () => {
  it('clients.rate reaches the arrival process; arrays broadcast or index', () => {
    expect(withValue(base, 'clients.rate', 2500).clients.process).toEqual({ arrival: 'poisson', rate: 2500 });
    const two = { ...base, backends: [base.backends[0]!, { ...base.backends[0]!, workers: 3 }] };
    expect(withValue(two, 'backends.workers', 5).backends.map((g) => g.workers)).toEqual([5, 5]);
    expect(withValue(two, 'backends.1.workers', 7).backends.map((g) => g.workers)).toEqual([1, 7]);
    expect(withValue(base, 'balancer.timeoutMs', 50).balancer.timeoutMs).toBe(50);
    expect(base.clients.process).toEqual({ arrival: 'poisson', rate: 1000 }); // the input is not changed
  });

  it('unknown or non-numeric targets throw', () => {
    expect(() => withValue(base, 'clients.nope', 1)).toThrow(/clients.nope does not exist/);
    expect(() => withValue(base, 'name', 1)).toThrow(/not a number/);
    expect(() => withValue(base, 'backends.3.workers', 1)).toThrow(/does not exist/);
  });
});
