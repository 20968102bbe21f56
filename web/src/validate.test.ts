import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkResultsFile } from './validate.js';

const RUN = (JSON.parse(readFileSync(new URL('../test/fixture-results.json', import.meta.url), 'utf8')) as unknown[])[0];
const SWEEP: unknown = JSON.parse(readFileSync(new URL('../test/fixture-sweep.json', import.meta.url), 'utf8'));
const FAILURES = JSON.parse(readFileSync(new URL('../test/fixture-failures.json', import.meta.url), 'utf8')) as unknown[];

describe('checkResultsFile', () => {
  it('accepts the committed fixtures', () => {
    expect(checkResultsFile(RUN, 0)).toEqual([]);
    expect(checkResultsFile(SWEEP, 1)).toEqual([]);
    FAILURES.forEach((f, i) => expect(checkResultsFile(f, i)).toEqual([]));
  });
  it('checks the optional failure fields when present', () => {
    const broken = structuredClone(FAILURES[0]) as {
      results: { errors: Record<string, unknown>; timeseries: { healthy: unknown[] }; detection: { events: unknown[] } }[];
    };
    const first = broken.results[0];
    if (!first) throw new Error('fixture has no results');
    delete first.errors['reset'];
    first.timeseries.healthy.pop();
    first.detection.events.push({ backend: 'web-1' });
    expect(checkResultsFile(broken, 0)).toEqual([
      'results file 1 results[0] (round-robin): timeseries.healthy must have 30 numbers',
      'results file 1 results[0] (round-robin): errors must have numbers refused, timeout, http5xx, reset, rateLimited, unavailable',
      'results file 1 results[0] (round-robin): detection.events must have backend, kind, start and end (or null)',
    ]);
  });
  it('rejects another schema, and reports what the charts cannot use', () => {
    expect(checkResultsFile({ schema: 'lbsim/results@2' }, 0)).toEqual([
      'results file 1: schema is "lbsim/results@2", this page reads lbsim/results@1',
    ]);
    const broken = structuredClone(RUN) as { results: { latency: Record<string, unknown>; timeseries: { p99: unknown[] } }[] };
    const first = broken.results[0];
    if (!first) throw new Error('fixture has no results');
    delete first.latency['p999'];
    first.timeseries.p99.pop();
    expect(checkResultsFile(broken, 0)).toEqual([
      'results file 1 results[0] (round-robin): latency.p999 is not a number',
      'results file 1 results[0] (round-robin): timeseries.p99 must have 10 numbers or nulls',
    ]);
  });
  it('grid axes: numbers on the first, names or booleans allowed on the others; one value per axis at each point', () => {
    const grid = structuredClone(SWEEP) as { sweep: { key: string; axes?: unknown; points: { value: number; at?: unknown }[] } };
    grid.sweep.axes = [
      { key: grid.sweep.key, values: grid.sweep.points.map((p) => p.value) },
      { key: 'strategies[bounded-load].options.flavor', values: ['paper'] },
    ];
    grid.sweep.points.forEach((p) => (p.at = [p.value, 'paper']));
    expect(checkResultsFile(grid, 0)).toEqual([]);
    const namedFirst = structuredClone(grid);
    namedFirst.sweep.axes = [{ key: 'k', values: ['a'] }, (grid.sweep.axes as unknown[])[1]];
    expect(checkResultsFile(namedFirst, 0)).toContain('results file 1: sweep.axes must be a list of {key, values}, numbers on the first');
    const badAt = structuredClone(grid);
    badAt.sweep.points[0]!.at = ['paper', 1];
    expect(checkResultsFile(badAt, 0)).toContain('results file 1: sweep.points[0].at must have one value per axis (2), a number first');
  });
  it('passes on a read error from the dev server', () => {
    expect(checkResultsFile({ error: 'cannot read x.json' }, 0)).toEqual(['results file 1: cannot read x.json']);
  });
});
