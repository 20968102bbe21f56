import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeScenario, describeService, fileLabel } from './describe.js';
import type { ResultsFile } from './types.js';

const RUN = (JSON.parse(readFileSync(new URL('../test/fixture-results.json', import.meta.url), 'utf8')) as ResultsFile[])[0] as ResultsFile;
const SWEEP = JSON.parse(readFileSync(new URL('../test/fixture-sweep.json', import.meta.url), 'utf8')) as ResultsFile;

describe('describeService', () => {
  it('reads the distribution name and its parameters (times in ms)', () => {
    expect(describeService({ dist: 'exponential', mean: 40 })).toBe('exponential, mean 40 ms');
    expect(describeService({ distribution: 'lognormal', meanMs: 40, sigma: 1.2 })).toBe('lognormal, mean 40 ms, sigma 1.2');
    expect(describeService('constant 5 ms')).toBe('constant 5 ms');
    expect(describeService(12.5)).toBe('mean 12.5 ms');
    expect(describeService(undefined)).toBeUndefined();
  });
});

describe('describeScenario', () => {
  it('puts the fixture run in plain words', () => {
    expect(Object.fromEntries(describeScenario(RUN))).toEqual({
      Mode: 'simulated',
      Clients: '100 clients, poisson arrivals, 240 req/s offered',
      Backends: '3 backends (4 workers each); capacity 300 req/s',
      'Service time': 'exponential, mean 40 ms',
      'Load factor': '0.80 (240 req/s offered ÷ 300 req/s capacity)',
      Duration: '60 s measured after 5 s warm-up',
      Seed: '42',
      Replications: '5 (95 % CIs shown)',
    });
    expect(fileLabel(RUN, 0)).toBe('fixture: three equal backends');
  });
  it('adds the sweep range', () => {
    const facts = Object.fromEntries(describeScenario(SWEEP));
    expect(facts['Sweep']).toBe('clients.rate from 150 to 285 (load 0.50–0.95, 5 points)');
    expect(facts['Replications']).toBe('1 (no confidence intervals)');
    expect(fileLabel(SWEEP, 1)).toBe('fixture sweep: offered load (sweep over clients.rate)');
  });
  it('lists unlike backend groups and falls back when the scenario says little', () => {
    const mixed: ResultsFile = {
      ...RUN,
      scenario: {
        backends: [
          { id: 'fast', count: 2, workers: 4, service: { dist: 'exponential', mean: 20 } },
          { id: 'slow', count: 1, workers: 2, weight: 2, service: { dist: 'exponential', mean: 80 } },
        ],
      },
    };
    const facts = Object.fromEntries(describeScenario(mixed));
    expect(facts['Backends']).toBe(
      '3 backends: 2 × fast (4 workers, exponential, mean 20 ms); 1 × slow (2 workers, weight 2, exponential, mean 80 ms); capacity 300 req/s',
    );
    const bare = Object.fromEntries(describeScenario({ ...RUN, scenario: {} }));
    expect(bare['Clients']).toBe('240 req/s offered');
    expect(bare['Backends']).toBe('3 backends; capacity 300 req/s');
    expect(bare['Service time']).toBe('not stated in the scenario');
    expect(fileLabel({ ...RUN, scenario: {} }, 2)).toBe('results 3');
  });
});

describe('describeScenario at a sweep point', () => {
  it('states the offered rate and load of the point shown, not of the file summary', () => {
    const p = SWEEP.sweep!.points[0]!;
    const facts = Object.fromEntries(describeScenario(SWEEP, p));
    expect(facts['Clients']).toContain(`${p.value} req/s offered`);
    expect(facts['Load factor']).toBe(`${p.load.toFixed(2)} (${p.value} req/s offered ÷ 300 req/s capacity)`);
    expect(Object.fromEntries(describeScenario(SWEEP))['Load factor']).toContain('0.95');
  });
});
