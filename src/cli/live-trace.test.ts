/**
 * `lbsim live` and `compare-live` on a scenario that replays a trace (`clients.arrival: trace`),
 * through the built CLI: the trace is loaded before the input limits are checked (they read the
 * offered rate, which for a replay is the trace's), so a limit names the trace's figures and a run
 * within the limits runs — neither is an "internal error: trace … is not loaded".
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, makeCliScratch, removeScratch } from './testing/built-cli.js';

let dir = '';

function lbsim(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', timeout: 60_000, env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(() => {
  dir = makeCliScratch('live-trace');
  // 2,000 requests 5 ms apart (200 req/s over 10 s), alternating between two logged servers
  const lines = Array.from({ length: 2000 }, (_, i) => JSON.stringify({ t: 5 * (i + 1), s: `b${i % 2}`, u: 1 }));
  writeFileSync(join(dir, 'trace.jsonl'), `${lines.join('\n')}\n`);
  writeFileSync(
    join(dir, 'replay.yaml'),
    [
      'name: replay',
      'seed: 1',
      'duration: 5s',
      'warmup: 1s',
      'clients: { arrival: trace, file: trace.jsonl, format: "jsonl:start=t:ms,server=s,upstream_time=u:ms" }',
      'backends: [{ count: 2, workers: 4, service: { dist: exponential, mean: 1ms } }]',
      'strategies: [round-robin]',
      '',
    ].join('\n'),
  );
});
afterAll(() => removeScratch(dir));

describe('lbsim live with a replayed trace', () => {
  it('limits are checked on the loaded trace: requests per run and the live rate are refused with their figures, exit 2', () => {
    for (const cmd of ['live', 'compare-live']) {
      const r = lbsim(cmd, 'replay.yaml', '--limit', 'requests=100', '--quiet');
      expect(r.code, r.err).toBe(2);
      expect(r.err).not.toMatch(/internal error|not loaded|\n\s+at /);
      expect(r.err.trim()).toBe('lbsim: replay.yaml: clients.rate: about 1,200 requests per run (200 req/s over 5s + warm-up 1s); the limit is 100; raise it with --limit requests=N');
    }
    const s = lbsim('live', 'replay.yaml', '--scale', '1e-6', '--quiet');
    expect(s.code, s.err).toBe(2);
    expect(s.err.trim()).toMatch(/^lbsim: --scale: the live run would offer 200,000,000 req\/s at time scale ×0\.000001; the limit is 20,000/);
  });

  it('runs: exit 0, results with the replayed requests', () => {
    const r = lbsim('live', 'replay.yaml', '--duration', '1s', '--warmup', '0', '--quiet', '--json', 'out.json');
    expect(r.code, r.err).toBe(0);
    expect(r.err).not.toMatch(/internal error|not loaded/);
    const results = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as { mode: string; results: { strategy: string; requests: { completed: number } }[] };
    expect(results.results.map((x) => x.strategy)).toEqual(['round-robin']);
    expect(results.results[0]!.requests.completed).toBeGreaterThan(0);
  }, 60_000);
});
