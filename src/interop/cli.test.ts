import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { exportCommand } from '../cli/export.js';
import { importCommand } from '../cli/import.js';
import { InputError } from '../input/errors.js';
import { loadScenario } from '../scenario/index.js';
import { fixture } from './testing.js';

function capture() {
  const err: string[] = [];
  const out: string[] = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true));
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
  return { err, out };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('lbsim import / lbsim export commands', () => {
  it('import writes a scenario that loads and prints each warning on stderr', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lbsim-cli-'));
    const output = join(dir, 'scenario.yaml');
    const io = capture();
    const code = await importCommand(fixture('nginx', 'backup.conf'), { output });
    expect(code).toBe(0);
    expect(io.out).toEqual([]);
    const warnings = io.err.filter((l) => l.startsWith('lbsim: warning: '));
    expect(warnings).toHaveLength(4);
    expect(warnings[2]).toBe(`lbsim: warning: ${fixture('nginx', 'backup.conf')}:9: keepalive: connection reuse to the upstream is not modelled (lbsim has no connection setup cost)\n`);
    expect(io.err.at(-1)).toMatch(/^lbsim: imported nginx upstream "web": 3 servers, strategy least-connections, 4 warnings; wrote /);
    expect(loadScenario(output).strategies[0]!.name).toBe('least-connections');
    rmSync(dir, { recursive: true, force: true });
  });

  it('import writes to stdout without -o, and honours --format and --upstream', async () => {
    const io = capture();
    expect(await importCommand(fixture('envoy', 'cds.yaml'), { format: 'envoy', upstream: 'first' })).toBe(0);
    expect(io.out.join('')).toMatch(/^# lbsim scenario imported from envoy cluster "first"/);
  });

  it('import reads an AWS target group with --targets (format guessed from the JSON)', async () => {
    const io = capture();
    expect(await importCommand(fixture('aws', 'least-outstanding.json'), { targets: fixture('aws', 'targets.json') })).toBe(0);
    expect(io.out.join('')).toMatch(/^# lbsim scenario imported from aws target-group "least-outstanding"/);
    expect(io.err.at(-1)).toMatch(/^lbsim: imported aws target-group "least-outstanding": 3 servers, strategy sticky, \d+ warnings\n$/);
  });

  it('import rejects an unknown --format as an input error', async () => {
    capture();
    await expect(importCommand(fixture('envoy', 'cds.yaml'), { format: 'caddy' as 'nginx' })).rejects.toThrow(/--format: expected one of nginx, haproxy, envoy, aws, got "caddy"/);
    await expect(importCommand(fixture('envoy', 'cds.yaml'), { format: 'caddy' as 'nginx' })).rejects.toThrow(InputError);
  });

  it('export writes the fragment and its warnings', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lbsim-cli-'));
    const scenario = join(dir, 'scenario.yaml');
    const io = capture();
    await importCommand(fixture('haproxy', 'uri-bounded.cfg'), { output: scenario });
    const output = join(dir, 'out.conf');
    expect(await exportCommand(scenario, { strategy: 'maglev', format: 'nginx', output })).toBe(0);
    expect(readFileSync(output, 'utf8')).toContain('    hash $request_uri consistent;\n');
    expect(io.err).toContain('lbsim: warning: nginx: strategy maglev: nginx has no maglev hashing; nearest equivalent: hash … consistent (ketama ring)\n');
    rmSync(dir, { recursive: true, force: true });
  });

  it('export rejects an unknown format or strategy', async () => {
    capture();
    await expect(exportCommand(fixture('..', '..', '..', 'sims', 'homogeneous.yaml'), { strategy: 'p2c', format: 'caddy' })).rejects.toThrow(/--format: expected one of nginx, haproxy, envoy/);
    await expect(exportCommand(fixture('..', '..', '..', 'sims', 'homogeneous.yaml'), { strategy: 'nope', format: 'nginx' })).rejects.toThrow(/--strategy: "nope"/);
  });
});
