/**
 * The scenario JSON Schema: every shipped scenario validates against it (with Ajv, a standard
 * draft-07 validator), typical mistakes do not, durations with units do, every field has help, the
 * committed `scenario.schema.json` is what `lbsim schema` prints, and every shipped scenario points
 * editors at it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { schemaText } from '../cli/schema.js';
import { STRATEGIES } from '../strategies/registry.js';
import { SCENARIO_FIELD_DOCS, STRATEGY_OPTION_DOCS } from './field-docs.js';
import { eachProperty, SCHEMA_FILE, scenarioJsonSchema, type JsonSchema } from './json-schema.js';

const ROOT = join(import.meta.dirname, '../..');
const SIMS = join(ROOT, 'sims');
const shipped = readdirSync(SIMS).filter((f) => /\.ya?ml$/.test(f));

const schema = scenarioJsonSchema();
const ajv = new Ajv({ allErrors: true, allowUnionTypes: true });
ajv.addKeyword('enumDescriptions');
const validate = ajv.compile(schema);

const minimal = () => ({
  clients: { arrival: 'poisson', rate: 9000 },
  backends: [{ count: 10, service: { dist: 'exponential', mean: '1ms' } }],
});

describe('scenario JSON Schema', () => {
  it('accepts every shipped scenario', () => {
    expect(shipped.length).toBeGreaterThan(10);
    for (const f of shipped) {
      const ok = validate(parse(readFileSync(join(SIMS, f), 'utf8')));
      expect(ok, `${f}: ${JSON.stringify(validate.errors?.slice(0, 3))}`).toBe(true);
    }
  });

  it('accepts durations as numbers of ms or strings with a unit, and rejects others', () => {
    for (const d of [10, 0.25, '10s', '1.5ms', '250us', '2m', '1h', ' 3 S ', '1e3ms']) {
      expect(validate({ ...minimal(), duration: d }), JSON.stringify(d)).toBe(true);
    }
    for (const d of ['10', '10 sec', 's', '-1s', true]) expect(validate({ ...minimal(), duration: d }), JSON.stringify(d)).toBe(false);
  });

  it('rejects unknown keys, unknown distributions and strategies, wrong types and bad strategy options', () => {
    const bad: unknown[] = [
      { ...minimal(), colour: 'blue' },
      { ...minimal(), backends: [{ count: 10, service: { dist: 'normal', mean: 1 } }] },
      { ...minimal(), backends: [{ count: 'ten', service: { dist: 'exponential', mean: 1 } }] },
      { ...minimal(), clients: { arrival: 'poisson', rate: -5 } },
      { ...minimal(), strategies: ['round-robin', 'nope'] },
      { ...minimal(), strategies: [{ name: 'p2c', options: { drawz: 3 } }] },
      { ...minimal(), strategies: [{ name: 'p2c', options: { draws: 1 } }] },
      { ...minimal(), balancer: { passive: { maxFails: 1, failTimeout: 'soon' } } },
      { backends: minimal().backends },
    ];
    for (const doc of bad) expect(validate(doc), JSON.stringify(doc)).toBe(false);
    expect(validate({ ...minimal(), strategies: [{ name: 'p2c', label: 'p2c-d3', options: { draws: 3 } }, 'jiq'] })).toBe(true);
    expect(validate({ ...minimal(), balancer: { passive: false, rateLimit: { rate: '10r/s', burst: 5 } } })).toBe(true);
  });

  it('describes every field and every strategy option, and every description names a field', () => {
    const seen = new Set<string>();
    const missing: string[] = [];
    const visit = (path: string, node: JsonSchema) => {
      seen.add(path);
      if (typeof node['description'] !== 'string') missing.push(path);
    };
    eachProperty(schema, '', visit);
    for (const [name, def] of Object.entries(schema['definitions'] as Record<string, JsonSchema>)) eachProperty(def, name, visit);
    expect(missing).toEqual([]);
    expect(Object.keys(SCENARIO_FIELD_DOCS).filter((k) => !seen.has(k))).toEqual([]);
    const options = new Set(
      STRATEGIES.flatMap((s) => Object.keys((s.options as unknown as { shape?: object }).shape ?? {}).map((k) => `${s.name}.${k}`)),
    );
    expect([...options].filter((k) => !(k in STRATEGY_OPTION_DOCS))).toEqual([]);
    expect(Object.keys(STRATEGY_OPTION_DOCS).filter((k) => !options.has(k))).toEqual([]);
  });

  it('is committed as scenario.schema.json, exactly as lbsim schema prints it', () => {
    expect(readFileSync(join(ROOT, SCHEMA_FILE), 'utf8')).toBe(schemaText());
  });

  it('is named by the first line of every shipped scenario', () => {
    for (const f of shipped) {
      expect(readFileSync(join(SIMS, f), 'utf8').split('\n')[0], f).toBe(`# yaml-language-server: $schema=../${SCHEMA_FILE}`);
    }
  });
});
