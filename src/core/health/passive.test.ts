import { describe, expect, it } from 'vitest';
import { PASSIVE_DEFAULTS, PassiveHealth } from './passive.js';

describe('PassiveHealth (nginx max_fails / fail_timeout)', () => {
  it('defaults are max_fails=1 fail_timeout=10s: one failure bans for 10 s', () => {
    expect(PASSIVE_DEFAULTS).toEqual({ maxFails: 1, failTimeoutMs: 10_000 });
    const p = new PassiveHealth({}, 2);
    expect(p.recordFailure(0, 1000)).toBe(true);
    expect(p.isDown(0, 1000)).toBe(true);
    expect(p.isDown(0, 10_999)).toBe(true);
    expect(p.isDown(0, 11_000)).toBe(false);
    expect(p.isDown(1, 1000)).toBe(false);
  });

  it('marks down after maxFails failures within failTimeout and back after it', () => {
    const p = new PassiveHealth({ maxFails: 3, failTimeoutMs: 10_000 }, 3);
    expect(p.recordFailure(1, 0)).toBe(false);
    expect(p.recordFailure(1, 1000)).toBe(false);
    expect(p.isDown(1, 1500)).toBe(false);
    expect(p.recordFailure(1, 2000)).toBe(true);
    expect(p.failures(1)).toBe(3);
    // Down for failTimeout after the last failure (nginx sets checked = now on every failure).
    expect(p.isDown(1, 2000)).toBe(true);
    expect(p.isDown(1, 11_999)).toBe(true);
    expect(p.nextChange(5000)).toBe(12_000);
    expect(p.isDown(1, 12_000)).toBe(false);
    expect(p.nextChange(12_000)).toBe(Infinity);
  });

  it('after the ban one success clears the count; one failure bans again', () => {
    const a = new PassiveHealth({ maxFails: 2, failTimeoutMs: 10_000 }, 1);
    a.recordFailure(0, 0);
    expect(a.recordFailure(0, 100)).toBe(true);
    a.recordSuccess(0, 10_200);
    expect(a.failures(0)).toBe(0);
    expect(a.recordFailure(0, 10_300)).toBe(false);
    expect(a.isDown(0, 10_300)).toBe(false);

    const b = new PassiveHealth({ maxFails: 2, failTimeoutMs: 10_000 }, 1);
    b.recordFailure(0, 0);
    b.recordFailure(0, 100);
    // The retry after the ban fails: fails = 3 >= 2, down again for a full failTimeout.
    expect(b.recordFailure(0, 10_200)).toBe(true);
    expect(b.isDown(0, 20_199)).toBe(true);
    expect(b.isDown(0, 20_200)).toBe(false);
  });

  it('a success inside the window does not clear the count (accessed == checked)', () => {
    const p = new PassiveHealth({ maxFails: 3, failTimeoutMs: 10_000 }, 1);
    p.recordFailure(0, 0);
    p.recordSuccess(0, 500);
    expect(p.failures(0)).toBe(1);
    p.recordFailure(0, 1000);
    expect(p.recordFailure(0, 2000)).toBe(true);
  });

  it('a success after a quiet period of failTimeout clears the count', () => {
    const p = new PassiveHealth({ maxFails: 3, failTimeoutMs: 10_000 }, 1);
    p.recordFailure(0, 0);
    p.recordFailure(0, 1000);
    p.recordSuccess(0, 11_000);
    expect(p.failures(0)).toBe(0);
    p.recordFailure(0, 11_500);
    expect(p.recordFailure(0, 12_000)).toBe(false);
    expect(p.isDown(0, 12_000)).toBe(false);
  });

  it('without a success in between, failures further apart than failTimeout still add up (as in nginx)', () => {
    const p = new PassiveHealth({ maxFails: 3, failTimeoutMs: 10_000 }, 1);
    p.recordFailure(0, 0);
    p.recordFailure(0, 20_000);
    expect(p.recordFailure(0, 40_000)).toBe(true);
    expect(p.isDown(0, 40_000)).toBe(true);
  });

  it('a failure reported while down extends the ban and is not a new transition', () => {
    const p = new PassiveHealth({ maxFails: 1, failTimeoutMs: 10_000 }, 1);
    expect(p.recordFailure(0, 0)).toBe(true);
    expect(p.recordFailure(0, 5000)).toBe(false);
    expect(p.isDown(0, 14_999)).toBe(true);
    expect(p.nextChange(14_000)).toBe(15_000);
  });

  it('maxFails 0 disables it', () => {
    const p = new PassiveHealth({ maxFails: 0 }, 1);
    for (let t = 0; t < 10; t++) expect(p.recordFailure(0, t)).toBe(false);
    expect(p.isDown(0, 10)).toBe(false);
    expect(p.nextChange(10)).toBe(Infinity);
  });

  it('nextChange is the earliest return among several down backends', () => {
    const p = new PassiveHealth({ maxFails: 1, failTimeoutMs: 1000 }, 3);
    p.recordFailure(0, 500);
    p.recordFailure(2, 200);
    expect(p.nextChange(300)).toBe(1200);
    expect(p.nextChange(1200)).toBe(1500);
    expect(p.nextChange(1500)).toBe(Infinity);
  });

  it('reset, resetAll and resize', () => {
    const p = new PassiveHealth({ maxFails: 1, failTimeoutMs: 1000 }, 2);
    p.recordFailure(0, 0);
    p.recordFailure(1, 0);
    p.reset(0);
    expect(p.isDown(0, 1)).toBe(false);
    expect(p.isDown(1, 1)).toBe(true);
    p.resize(4);
    expect(p.size).toBe(4);
    expect(p.isDown(1, 1)).toBe(true);
    expect(p.isDown(3, 1)).toBe(false);
    p.resetAll();
    expect(p.isDown(1, 1)).toBe(false);
    p.resize(1);
    expect(p.size).toBe(1);
  });

  it('rejects invalid options', () => {
    expect(() => new PassiveHealth({ maxFails: -1 }, 1)).toThrow(RangeError);
    expect(() => new PassiveHealth({ failTimeoutMs: -5 }, 1)).toThrow(RangeError);
    expect(() => new PassiveHealth({}, 1.5)).toThrow(RangeError);
  });
});
