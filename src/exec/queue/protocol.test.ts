import { describe, expect, it } from 'vitest';
import { encode } from '../codec.js';
import type { RunSummary } from '../job.js';
import { queuedRun, readQueuedRun, readRunReply, runReply, runtimeMismatch, thisRuntime } from './protocol.js';
import { choice, testScenario } from '../../sim/test/fixture.js';

const job = { scenario: testScenario({ durationMs: 100 }), choice: choice('p2c'), seed: 3 };
const here = thisRuntime('1.2.3', 20);

describe('queue protocol', () => {
  it('a queued run reads back with its runtime', () => {
    const r = readQueuedRun(queuedRun(job, here));
    expect(r).toEqual({ runtime: here, job: { scenario: job.scenario, choice: job.choice, seed: 3 } });
  });

  it('refuses another lbsim version or another Node major, naming both', () => {
    expect(runtimeMismatch(here, thisRuntime('1.2.3', 20))).toBeNull();
    expect(runtimeMismatch(here, thisRuntime('1.2.4', 20))).toBe(
      'refused: this worker runs lbsim 1.2.3 on Node 20, the study was submitted by lbsim 1.2.4 on Node 20; ' +
        'run workers of the same lbsim version and Node major version as the submitter',
    );
    expect(runtimeMismatch(here, thisRuntime('1.2.3', 22))).toMatch(/^refused: this worker runs lbsim 1\.2\.3 on Node 20, the study was submitted by lbsim 1\.2\.3 on Node 22;/);
  });

  it('malformed data is a reason, never an exception', () => {
    const bad: unknown[] = [
      null,
      42,
      'text',
      [],
      {},
      { lbsim: 1, node: 20, job: '{}' },
      { lbsim: '1.2.3', job: encode(job) },
      { lbsim: '1.2.3', node: 20, job: 7 },
      { lbsim: '1.2.3', node: 20, job: '{not json' },
      { lbsim: '1.2.3', node: 20, job: '{"$":"bogus"}' },
      { lbsim: '1.2.3', node: 20, job: 'null' },
      { lbsim: '1.2.3', node: 20, job: encode({ ...job, seed: 1.5 }) },
      { lbsim: '1.2.3', node: 20, job: encode({ ...job, choice: { name: 3 } }) },
      { lbsim: '1.2.3', node: 20, job: encode({ ...job, scenario: null }) },
    ];
    for (const data of bad) {
      const r = readQueuedRun(data);
      expect(r, JSON.stringify(data)).toHaveProperty('error');
      expect((r as { error: string }).error).toMatch(/^malformed job: /);
    }
  });

  it('a reply is checked against the submitter runtime', () => {
    const summary = { completed: 1, p99: NaN } as unknown as RunSummary;
    expect(readRunReply(runReply(summary, here), here)).toEqual(summary);
    expect(() => readRunReply(runReply(summary, thisRuntime('1.2.3', 22)), here)).toThrow(
      'the result was computed by lbsim 1.2.3 on Node 22, this is lbsim 1.2.3 on Node 20',
    );
    expect(() => readRunReply('{"x":1}', here)).toThrow('the result is not lbsim run data');
    expect(() => readRunReply(17, here)).toThrow('the result is not lbsim run data');
  });
});
