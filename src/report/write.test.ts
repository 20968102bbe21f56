import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeScenario, fragmentPayload } from '../playground/share.js';
import { RESULTS_SCHEMA, type ResultsFile } from '../results/schema.js';
import { parseDocument, parseScenario } from '../scenario/index.js';
import { runScenario } from '../sim/run.js';
import { DATA_ELEMENT, embedJson, injectResults, LINKS_ELEMENT, writeReport } from './write.js';

const TEMPLATE =
  '<!doctype html><html><body><p>page</p>' +
  '<script id="lbsim-data" type="application/json">[]</script>' +
  '<script>var code = document.getElementById("lbsim-data");</script></body></html>';

/** A minimal results file whose strings try to break out of the script element. */
function nasty(): ResultsFile {
  return {
    schema: RESULTS_SCHEMA,
    mode: 'sim',
    generator: 'test',
    scenario: {
      name: '</script><script>alert(1)</script>',
      note: '<!-- a comment --> and $& and $1 and $$',
      sep: 'line\u2028para\u2029end',
    },
    summary: { offeredRate: 1, capacity: 2, loadFactor: 0.5, durationS: 1, seed: 7, replications: 1 },
    results: [],
    warnings: ['x < y && y > z'],
  };
}

/** The text inside the data element of `html`. */
function dataText(html: string): string {
  const m = DATA_ELEMENT.exec(html);
  if (!m) throw new Error('no data element');
  return m[2] ?? '';
}

describe('embedJson', () => {
  it('escapes every < and the JS line separators, and parses back to the same value', () => {
    const v = nasty();
    const s = embedJson(v);
    expect(s).not.toContain('<');
    expect(s).not.toMatch(/[\u2028\u2029]/);
    expect(s).toContain('\\u003c/script>');
    expect(JSON.parse(s)).toEqual(v);
  });
});

describe('injectResults', () => {
  it('replaces the data element content, leaves the rest of the page untouched, round-trips', () => {
    const files = [nasty(), { ...nasty(), generator: 'second' }];
    const html = injectResults(TEMPLATE, files);
    expect(JSON.parse(dataText(html))).toEqual(files);
    // Exactly the original script elements: nothing broke out of the data element.
    expect(html.match(/<\/script>/g)).toHaveLength(2);
    expect(html.startsWith('<!doctype html><html><body><p>page</p><script id="lbsim-data" type="application/json">[')).toBe(
      true,
    );
    expect(html.endsWith(']</script><script>var code = document.getElementById("lbsim-data");</script></body></html>')).toBe(
      true,
    );
    // `$&` etc. are copied literally (no replacement patterns).
    expect(html).toContain('$& and $1 and $$');
  });

  it('replaces previously embedded results instead of appending', () => {
    const once = injectResults(TEMPLATE, [nasty()]);
    const twice = injectResults(once, []);
    expect(dataText(twice)).toBe('[]');
  });

  it('throws when the template has no data element', () => {
    expect(() => injectResults('<html></html>', [])).toThrow(/lbsim-data/);
  });
});

describe('writeReport', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lbsim-report-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes outDir/index.html (creating outDir), returns its absolute path, leaves no temp file', () => {
    const template = join(dir, 'template.html');
    writeFileSync(template, TEMPLATE);
    const out = join(dir, 'nested', 'report');
    const path = writeReport([nasty()], out, { template });
    expect(path).toBe(join(out, 'index.html'));
    expect(JSON.parse(dataText(readFileSync(path, 'utf8')))).toEqual([nasty()]);
    expect(readdirSync(out)).toEqual(['index.html']);
  });

  it('overwrites an existing report', () => {
    const template = join(dir, 'template.html');
    writeFileSync(template, TEMPLATE);
    writeReport([nasty()], dir, { template });
    const path = writeReport([], dir, { template });
    expect(dataText(readFileSync(path, 'utf8'))).toBe('[]');
  });

  it('tells to run npm run build when the page is not built', () => {
    expect(() => writeReport([], dir, { template: join(dir, 'missing.html') })).toThrow(/npm run build/);
  });

  it('refuses a file that is not lbsim/results@1', () => {
    const template = join(dir, 'template.html');
    writeFileSync(template, TEMPLATE);
    const bad = { ...nasty(), schema: 'other@2' } as unknown as ResultsFile;
    expect(() => writeReport([bad], dir, { template })).toThrow(/lbsim\/results@1/);
    expect(readdirSync(dir)).toEqual(['template.html']);
  });

  it('writes the playground beside the report and links each file whose scenario comes back exactly', async () => {
    const template = join(dir, 'template.html');
    writeFileSync(template, TEMPLATE.replace('</body>', '<script id="lbsim-links" type="application/json">[]</script></body>'));
    const playground = join(dir, 'playground-template.html');
    writeFileSync(playground, '<html><body><script id="lbsim-scenario" type="application/json">null</script></body></html>');
    const scenario = parseScenario(
      parseDocument('name: tiny\nduration: 1s\nclients: { rate: 200 }\nbackends: [{ count: 2, service: { dist: exponential, mean: 1ms } }]\nstrategies: [p2c]\n', 't.yaml'),
      't.yaml',
    );
    const out = join(dir, 'report');
    const path = writeReport([runScenario(scenario), nasty()], out, { template, playground });
    expect(readdirSync(out).sort()).toEqual(['index.html', 'playground.html']);
    const links = JSON.parse(LINKS_ELEMENT.exec(readFileSync(path, 'utf8'))?.[2] ?? 'null') as (string | null)[];
    expect(links).toHaveLength(2);
    expect(links[1]).toBeNull();
    expect(links[0]).toMatch(/^playground\.html#s=[A-Za-z0-9_-]+$/);
    const text = await decodeScenario(fragmentPayload(links[0]!.slice(links[0]!.indexOf('#'))) ?? '');
    expect(JSON.stringify(parseScenario(parseDocument(text, 'link.yaml'), 'link.yaml'))).toBe(JSON.stringify(scenario));
    writeReport([runScenario(scenario)], join(dir, 'plain'), { template, playground: false });
    expect(readdirSync(join(dir, 'plain'))).toEqual(['index.html']);
  });
});
