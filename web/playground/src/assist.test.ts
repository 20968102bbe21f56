/**
 * The editor's helpers without a browser: CLI problems placed at their lines (field errors on the
 * value, unknown keys on the key, missing keys on the parent, YAML syntax errors where the parser
 * stopped), the field path under the cursor, and what hover and completion read from the scenario
 * JSON Schema (keys of a mapping, distribution kinds, strategy names, a strategy's own options).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scenarioJsonSchema } from '../../../src/scenario/json-schema.js';
import { strategyNames } from '../../../src/strategies/registry.js';
import { checkScenario } from './check.js';
import { descriptionOf, keyOptions, schemasAt, typeSummary, valueOptions } from './schema-nav.js';
import { contextAt, locateAt, parsePath, rangeOfPath, yamlTree } from './yaml-paths.js';

const schema = scenarioJsonSchema();
const HOMOGENEOUS = readFileSync(join(import.meta.dirname, '../../../sims/homogeneous.yaml'), 'utf8');

/** 1-based line of the first occurrence of `needle` in `text`. */
function lineOf(text: string, needle: string): number {
  return text.slice(0, text.indexOf(needle)).split('\n').length;
}

describe('problems at their lines', () => {
  it('has none for a shipped scenario, and gives the normalized scenario', () => {
    const r = checkScenario(HOMOGENEOUS, 'homogeneous.yaml');
    expect(r.problems).toEqual([]);
    expect(r.scenario?.backends[0]?.count).toBe(10);
  });

  it('marks a bad value on its line with the CLI message (file name left out)', () => {
    const text = HOMOGENEOUS.replace('mean: 1ms', 'mean: -1ms');
    const [p, ...rest] = checkScenario(text, 'h.yaml').problems;
    expect(rest).toEqual([]);
    expect(p?.text).toBe('backends[0].service.mean: expected a positive duration, got "-1ms"');
    expect(p?.line).toBe(lineOf(text, '-1ms'));
    expect(text.slice(p!.from, p!.to)).toBe('-1ms');
  });

  it('marks an unknown key on the key, a missing key on its parent, an unknown strategy on its item', () => {
    const text = 'clients:\n  arrival: poisson\nbackends:\n  - count: 2\n    colour: red\n    service: { dist: exponential, mean: 1 }\n';
    const [unknown] = checkScenario(text, 't.yaml').problems;
    expect(unknown?.path).toBe('backends[0].colour');
    expect(text.slice(unknown!.from, unknown!.to)).toBe('colour');
    expect(unknown?.line).toBe(5);
    // As in the CLI, cross-field checks come once the schema holds.
    const [missing] = checkScenario(text.replace('    colour: red\n', ''), 't.yaml').problems;
    expect([missing?.path, missing?.message, missing?.line]).toEqual(['clients.rate', 'is required for arrival "poisson"', 1]);
    const strategy = checkScenario(text.replace('    colour: red\n', '').replace('arrival: poisson', 'rate: 5') + 'strategies: [p2c, nope]\n', 't.yaml');
    expect(strategy.problems.map((p) => [p.path, p.line])).toEqual([['strategies[1]', 6]]);
  });

  it('marks a YAML syntax error where the parser stopped', () => {
    const text = 'name: x\nclients:\n  rate: [1, 2\nbackends: []\n';
    const [p] = checkScenario(text, 't.yaml').problems;
    expect(p?.path).toMatch(/^line \d+, column \d+$/);
    expect(p?.line).toBeGreaterThanOrEqual(3);
  });

  it('parses the CLI field paths', () => {
    expect(parsePath('backends[2].service.mean')).toEqual(['backends', 2, 'service', 'mean']);
    expect(parsePath('strategies[0]')).toEqual(['strategies', 0]);
    expect(parsePath('')).toEqual([]);
    const tree = yamlTree('a:\n  b: [x, {c: 1}]\n');
    const r = rangeOfPath(tree, ['a', 'b', 1, 'd']);
    expect(r.exact).toBe(false);
  });
});

describe('the field under the cursor', () => {
  it('finds keys and values, in block and flow style', () => {
    const tree = yamlTree(HOMOGENEOUS);
    const at = (needle: string) => locateAt(tree, HOMOGENEOUS.indexOf(needle) + 3);
    expect(at('\n  arrival:')).toMatchObject({ path: ['clients', 'arrival'], on: 'key' });
    expect(at(': poisson')).toMatchObject({ path: ['clients', 'arrival'], on: 'value' });
    expect(at(', mean: 1ms')).toMatchObject({ path: ['backends', 0, 'service', 'mean'], on: 'key' });
  });

  it('tells a key being typed from a value being typed', () => {
    const text = 'clients:\n  arrival: po\n  ra\nbackends:\n  - service: { dist: exp }\nstrategies:\n  - p2\n';
    const end = (needle: string) => text.indexOf(needle) + needle.length;
    expect(contextAt(text, end('arrival: po'))).toMatchObject({ path: ['clients', 'arrival'], on: 'value', prefix: 'po' });
    expect(contextAt(text, end('  ra'))).toMatchObject({ path: ['clients'], on: 'key', prefix: 'ra' });
    expect(contextAt(text, end('dist: exp'))).toMatchObject({ path: ['backends', 0, 'service', 'dist'], on: 'value', prefix: 'exp' });
    expect(contextAt(text, end('- p2'))).toMatchObject({ path: ['strategies', 0], on: 'value', prefix: 'p2' });
  });
});

describe('help and completion from the JSON Schema', () => {
  it('offers the keys a mapping does not have yet, with their help', () => {
    const doc = { clients: { arrival: 'poisson' }, backends: [] };
    const keys = keyOptions(schema, ['clients'], doc);
    expect(keys.map((k) => k.key)).toContain('rate');
    expect(keys.map((k) => k.key)).not.toContain('arrival');
    expect(keys.find((k) => k.key === 'rate')?.description).toMatch(/Requests per second/);
    expect(keyOptions(schema, [], {}).map((k) => k.key)).toEqual(expect.arrayContaining(['name', 'clients', 'backends', 'balancer', 'strategies', 'faults']));
  });

  it('offers values from fixed sets: arrivals, distributions, strategy names with their descriptions', () => {
    expect(valueOptions(schema, ['clients', 'arrival'], {}).map((v) => v.label)).toEqual(['poisson', 'constant', 'bursty', 'schedule', 'closed', 'trace']);
    const doc = { backends: [{ service: { dist: 'exp' } }] };
    expect(valueOptions(schema, ['backends', 0, 'service', 'dist'], doc).map((v) => v.label)).toEqual(
      expect.arrayContaining(['constant', 'exponential', 'lognormal', 'mixture', 'empirical']),
    );
    const names = valueOptions(schema, ['strategies', 0], { strategies: ['p'] });
    expect(names.map((v) => v.label)).toEqual(strategyNames());
    expect(names.find((v) => v.label === 'p2c')?.description).toMatch(/.+/);
  });

  it("follows a distribution's kind and a strategy's name to their own keys", () => {
    const doc = { backends: [{ service: { dist: 'lognormal' } }], strategies: [{ name: 'p2c', options: {} }] };
    expect(keyOptions(schema, ['backends', 0, 'service'], doc).map((k) => k.key).sort()).toEqual(['median', 'mu', 'p99', 'sigma']);
    expect(keyOptions(schema, ['strategies', 0, 'options'], doc).map((k) => k.key).sort()).toEqual(['activeRequestBias', 'draws', 'flavor', 'replacement']);
    const hover = schemasAt(schema, ['strategies', 0, 'options', 'draws'], doc);
    expect(descriptionOf(hover)).toMatch(/candidates/);
    expect(typeSummary(schemasAt(schema, ['duration'], {}))).toMatch(/number.*duration string/);
  });
});
