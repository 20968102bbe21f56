/**
 * `lbsim playground` and `lbsim schema` as a user runs them (`node bin/lbsim.js …` on the compiled
 * build, which `npm test` makes first): the page is written where asked with the scenario to open
 * first embedded, an invalid scenario exits 2 writing nothing, and the schema is printed or
 * written to a file; `lbsim run --report` writes the playground beside the report.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runBuiltCli } from './testing/built-cli.js';
import { SCENARIO_ELEMENT } from '../playground/write.js';
import { scenarioJsonSchema } from '../scenario/json-schema.js';

let dir = '';

/** Runs the built CLI in this file's scratch directory. */
const lbsim = (...args: string[]) => runBuiltCli(dir, args);

beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist/playground/index.html'))) throw new Error('run `npm run build` first (npm test does)');
  dir = mkdtempSync(join(tmpdir(), 'lbsim-playground-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('lbsim playground', () => {
  it('writes DIR/index.html with the named scenario embedded, as written', () => {
    const r = lbsim('playground', '--out', 'pg', 'slow-backend');
    expect(r.code).toBe(0);
    expect(r.out).toContain(join(dir, 'pg', 'index.html'));
    const html = readFileSync(join(dir, 'pg', 'index.html'), 'utf8');
    const embedded = JSON.parse(SCENARIO_ELEMENT.exec(html)?.[2] ?? 'null') as { name: string; text: string };
    expect(embedded).toEqual({ name: 'slow-backend', text: readFileSync(join(ROOT, 'sims/slow-backend.yaml'), 'utf8') });
    expect(html).not.toMatch(/type="module"/);
  });

  it('writes the plain page to out/playground by default', () => {
    const r = lbsim('playground');
    expect(r.code).toBe(0);
    const html = readFileSync(join(dir, 'out', 'playground', 'index.html'), 'utf8');
    expect(SCENARIO_ELEMENT.exec(html)?.[2]).toBe('null');
  });

  it('refuses an invalid scenario with the CLI error, exit 2 and nothing written', () => {
    writeFileSync(join(dir, 'bad.yaml'), 'clients: { rate: -1 }\nbackends: [{ service: { dist: exponential, mean: 1 } }]\n');
    const r = lbsim('playground', '--out', 'never', 'bad.yaml');
    expect(r.code).toBe(2);
    expect(r.err.trim()).toBe('lbsim: bad.yaml: clients.rate: Too small: expected number to be >0, got -1');
    expect(existsSync(join(dir, 'never'))).toBe(false);
  });
});

describe('lbsim schema', () => {
  it('prints the scenario JSON Schema, or writes it with --out', () => {
    const r = lbsim('schema');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual(scenarioJsonSchema());
    expect(lbsim('schema', '--out', 'scenario.schema.json').code).toBe(0);
    expect(readFileSync(join(dir, 'scenario.schema.json'), 'utf8')).toBe(r.out);
  });
});

describe('lbsim run --report', () => {
  it('writes the playground beside the report', () => {
    writeFileSync(join(dir, 'tiny.yaml'), 'duration: 1s\nclients: { rate: 100 }\nbackends: [{ count: 2, service: { dist: exponential, mean: 1ms } }]\nstrategies: [p2c]\n');
    expect(lbsim('run', 'tiny.yaml', '--quiet', '--report', 'rep').code).toBe(0);
    expect(readdirSync(join(dir, 'rep')).sort()).toEqual(['index.html', 'playground.html']);
    expect(readFileSync(join(dir, 'rep', 'index.html'), 'utf8')).toMatch(/"playground\.html#s=[A-Za-z0-9_-]+"/);
  });
});
