import { describe, expect, it } from 'vitest';
import { choice, testScenario } from '../sim/test/fixture.js';
import { numericOptions, tuneParams } from './tune-params.js';

const s = testScenario({ backends: [{ count: 10 }], strategies: [choice('p2c', { draws: 2, replacement: false })] });

describe('tune parameters', () => {
  it('read numeric options, bounds and integrality from the strategies\' zod schemas', () => {
    expect([...numericOptions('p2c').keys()]).toEqual(['draws']);
    expect([...numericOptions('least-time').keys()].sort()).toEqual(['alpha', 'bucketMs', 'capMs', 'defaultMs']);
    const [draws] = tuneParams(s, s.strategies[0]!, []);
    expect(draws).toMatchObject({ path: 'draws', min: 2, max: 10, integer: true, log: false, initial: 2 });
    const [alpha] = tuneParams(s, choice('least-time', { alpha: 0.05 }), ['alpha']);
    expect(alpha).toMatchObject({ min: 0.0005, max: 1, integer: false, log: true, initial: 0.05 }); // (0, 1]: default ÷ 100 up to 1
    const [factor] = tuneParams(s, choice('bounded-load', { factor: 1.25 }), ['factor=1:2']);
    expect(factor).toMatchObject({ min: 1, max: 2, integer: false, log: false });
  });

  it('vary balancer settings when asked, with units', () => {
    const [hedge, budget] = tuneParams(s, s.strategies[0]!, ['balancer.hedge.delay=1ms:50ms', 'balancer.retryBudget']);
    expect(hedge).toMatchObject({ min: 1, max: 50, unit: 'ms', log: true, initial: null });
    expect(budget).toMatchObject({ min: 0.01, max: 1, initial: null });
    const applied = hedge!.apply(s, s.strategies[0]!, 12).scenario;
    expect(applied.balancer.hedge).toEqual({ delayMs: 12 });
    expect(s.balancer.hedge).toBeUndefined(); // the input is not changed
  });

  it('refuse what cannot be varied, naming the flag and the alternatives', () => {
    const bad = (specs: string[], c = s.strategies[0]!) => () => tuneParams(s, c, specs);
    expect(bad(['replacement'])).toThrow('--param: p2c option replacement is a yes/no switch: tune varies numbers (draws)');
    expect(bad(['draws=1:5'])).toThrow('--param: draws: 1:5 is outside what p2c accepts (≥ 2)');
    expect(bad(['draws=2:4.5'])).toThrow(/an integer option/);
    expect(bad(['bogus'])).toThrow(/p2c has no option bogus; numeric options: draws; balancer settings: balancer\.hedge\.delay/);
    expect(bad(['balancer.weight'])).toThrow(/balancer\.weight cannot be tuned/);
    expect(bad([], choice('round-robin'))).toThrow(/round-robin has no numeric options to tune/);
    expect(bad(['balancer.retryBudget=0.5:2'])).toThrow(/a retry budget is a ratio/);
  });
});
