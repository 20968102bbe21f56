/**
 * Bad `zones` input through the built CLI: `validate` and `run` of a scenario, and `proxy` with a
 * config, exit 2 with one line naming the file and the field path, writing nothing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, makeCliScratch, removeScratch } from './testing/built-cli.js';

let dir = '';

function lbsim(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', timeout: 60_000, env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, err: r.stderr };
}

beforeAll(() => {
  dir = makeCliScratch('zones');
});
afterAll(() => removeScratch(dir));

const scenario = (zones: string, backends = '[{ count: 2, zone: a, service: { dist: exponential, mean: 1ms } }, { count: 2, zone: b, service: { dist: exponential, mean: 1ms } }]') =>
  `duration: 1s\nwarmup: 0\nclients: { rate: 100 }\nbackends: ${backends}\nbalancer: { zones: ${zones} }\nstrategies: [round-robin]\n`;

describe('bad zones input exits 2 naming the file and the field', () => {
  const cases: [string, string, RegExp][] = [
    ['unknown-zone', scenario('{ routing: locality-weighted, localityWeights: { a: 1, c: 2 } }'), /^lbsim: unknown-zone\.yaml: balancer\.zones\.localityWeights\.c: no backend has zone "c" \(zones: a, b\)$/m],
    ['no-zones', scenario('{ routing: zone-aware }', '[{ count: 2, service: { dist: exponential, mean: 1ms } }]'), /^lbsim: no-zones\.yaml: balancer\.zones\.routing: routing zone-aware needs backends with a zone/m],
    ['unknown-mode', scenario('{ routing: nearest }'), /^lbsim: unknown-mode\.yaml: balancer\.zones\.routing: /m],
  ];
  for (const [name, text, pattern] of cases) {
    it(`${name}: validate and run`, () => {
      writeFileSync(join(dir, `${name}.yaml`), text);
      for (const r of [lbsim('validate', `${name}.yaml`), lbsim('run', `${name}.yaml`, '--quiet', '--json', 'out.json')]) {
        expect(r.code, r.err).toBe(2);
        expect(r.err).toMatch(pattern);
        expect(r.err).not.toMatch(/\n\s+at |Error:/);
      }
      expect(existsSync(join(dir, 'out.json'))).toBe(false);
    });
  }

  it('proxy: zone-aware routing without the proxy zone', () => {
    writeFileSync(
      join(dir, 'proxy.yaml'),
      'listen: 127.0.0.1:0\nstrategy: round-robin\nbackends: [{ url: "http://127.0.0.1:9001", zone: a }, { url: "http://127.0.0.1:9002", zone: b }]\nzones: { routing: zone-aware }\nlocalZoneShares: { a: 1, b: 1 }\n',
    );
    const r = lbsim('proxy', '--config', 'proxy.yaml');
    expect(r.code, r.err).toBe(2);
    expect(r.err).toMatch(/^lbsim: proxy\.yaml: zone: is required with zones\.routing zone-aware/m);
  });
});
