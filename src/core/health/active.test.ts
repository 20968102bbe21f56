import { describe, expect, it } from 'vitest';
import { ACTIVE_DEFAULTS, ActiveHealth } from './active.js';

describe('ActiveHealth (HAProxy rise / fall)', () => {
  it('defaults: rise 2, fall 3, start up', () => {
    expect(ACTIVE_DEFAULTS).toEqual({ rise: 2, fall: 3, initial: 'up' });
    const a = new ActiveHealth({}, 2);
    expect(a.isDown(0)).toBe(false);
    expect(a.healthCounter(0)).toBe(4);
  });

  it('fall consecutive failures take it down, rise consecutive successes bring it up', () => {
    const a = new ActiveHealth({ rise: 2, fall: 3 }, 1);
    // [ok, changed, down] per report
    const seq: [boolean, boolean, boolean][] = [
      [false, false, false],
      [false, false, false],
      [false, true, true], // 3rd failure: down
      [true, false, true],
      [true, true, false], // 2nd success: up
    ];
    for (const [ok, changed, down] of seq) {
      expect(a.report(0, ok)).toBe(changed);
      expect(a.isDown(0)).toBe(down);
    }
  });

  it('a success while up refills the counter; a failure while rising empties it', () => {
    const a = new ActiveHealth({ rise: 2, fall: 3 }, 1);
    a.report(0, false);
    a.report(0, false);
    a.report(0, true); // back to the top: needs 3 more failures
    expect(a.report(0, false)).toBe(false);
    expect(a.report(0, false)).toBe(false);
    expect(a.report(0, false)).toBe(true);
    expect(a.isDown(0)).toBe(true);
    a.report(0, true);
    a.report(0, false); // rise progress lost
    expect(a.report(0, true)).toBe(false);
    expect(a.report(0, true)).toBe(true);
    expect(a.isDown(0)).toBe(false);
  });

  it("initial 'down' needs rise successes; rise 1 / fall 1 flips on every result", () => {
    const a = new ActiveHealth({ rise: 3, fall: 1, initial: 'down' }, 1);
    expect(a.isDown(0)).toBe(true);
    expect(a.report(0, true)).toBe(false);
    expect(a.report(0, true)).toBe(false);
    expect(a.report(0, true)).toBe(true);
    expect(a.report(0, false)).toBe(true);

    const b = new ActiveHealth({ rise: 1, fall: 1 }, 1);
    expect([false, false, true, true, false].map((ok) => b.report(0, ok))).toEqual([true, false, true, false, true]);
  });

  it('setUp / setDown / resize', () => {
    const a = new ActiveHealth({ initial: 'down' }, 1);
    a.setUp(0);
    expect(a.isDown(0)).toBe(false);
    expect(a.report(0, false)).toBe(false); // fully up: needs `fall` failures
    a.setDown(0);
    expect(a.isDown(0)).toBe(true);
    a.setUp(0);
    a.resize(3);
    expect(a.isDown(0)).toBe(false);
    expect(a.isDown(2)).toBe(true); // new backends take `initial`
    expect(() => new ActiveHealth({ rise: 0 }, 1)).toThrow(RangeError);
  });
});
