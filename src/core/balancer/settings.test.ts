/**
 * The balancer-settings schema: defaults, normalization (durations in ms under `…Ms` names),
 * errors that point into a section, and the file form written back (`settingsDocument`).
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BALANCER_DEFAULTS, balancerSettingsSchema, balancerSettingsShape, settingsDocument } from './settings.js';

describe('balancer settings schema', () => {
  it('an empty section: passive on with nginx defaults, everything else off, Envoy panic 50 %', () => {
    expect(balancerSettingsSchema.parse({})).toStrictEqual({
      passive: { maxFails: 1, failTimeoutMs: 10_000 },
      outlier: false,
      panicThreshold: 50,
      slowStart: false,
      rateLimit: false,
      connLimit: false,
      queue: false,
    });
  });

  it('normalizes durations to ms under …Ms names, keeping key order, and fills section defaults', () => {
    const s = balancerSettingsSchema.parse({
      outlier: { baseEjection: '2s' },
      slowStart: { window: '1m' },
      rateLimit: { rate: '120r/m' },
      queue: { maxQueue: 3, timeout: '250ms' },
      healthCheck: {},
    });
    expect(s.outlier).toStrictEqual({ consecutive5xx: 5, baseEjectionMs: 2_000, maxEjectionMs: 300_000, maxEjectionPercent: 10 });
    expect(s.slowStart).toStrictEqual({ windowMs: 60_000, minWeightPercent: 10, aggression: 1 });
    expect(s.rateLimit).toStrictEqual({ rate: 2, burst: 0, nodelay: false, delay: 0, key: 'global' });
    expect(s.queue).toStrictEqual({ maxQueue: 3, timeoutMs: 250 });
    expect(s.healthCheck).toStrictEqual({ intervalMs: 2_000, timeoutMs: 1_000, rise: 2, fall: 3 });
    expect(Object.keys(s.outlier as object)).toEqual(['consecutive5xx', 'baseEjectionMs', 'maxEjectionMs', 'maxEjectionPercent']);
  });

  it('other defaults are data: a consumer passes its own BalancerDefaults', () => {
    const d = { ...BALANCER_DEFAULTS, panicThreshold: 0, connLimit: { key: 'session' as const } };
    const s = z.object(balancerSettingsShape(d)).strict().parse({ connLimit: { perKey: 2 } });
    expect(s.panicThreshold).toBe(0);
    expect(s.connLimit).toStrictEqual({ perKey: 2, key: 'session' });
  });

  it('errors point into the section: unknown keys, bad values, missing keys', () => {
    const paths = (v: unknown) => {
      const r = balancerSettingsSchema.safeParse(v, { reportInput: true });
      return r.success ? [] : r.error.issues.map((i) => [i.path.join('.'), i.message]);
    };
    expect(paths({ passive: { maxFail: 1 } })).toEqual([['passive', 'Unrecognized key: "maxFail"']]);
    expect(paths({ rateLimit: { rate: 1, key: 'ip' } })[0]![0]).toBe('rateLimit.key');
    expect(paths({ connLimit: {} })).toEqual([['connLimit.perKey', 'is required (number)']]);
    expect(paths({ slowStart: {} })).toEqual([['slowStart.window', 'is required']]);
    expect(paths({ queue: true })[0]![0]).toBe('queue');
    expect(paths({ panicThreshold: 101 })[0]![0]).toBe('panicThreshold');
  });

  it('settingsDocument writes the file form back: parsing it gives the same settings', () => {
    const s = balancerSettingsSchema.parse({
      passive: { maxFails: 2, failTimeout: '3s' },
      outlier: { consecutive5xx: 3 },
      panicThreshold: 20,
      slowStart: { window: 500, aggression: 1.5 },
      rateLimit: { rate: 7, burst: 2, key: 'client' },
      connLimit: { perKey: 4 },
      queue: { maxQueue: 9 },
      healthCheck: { interval: 300, rise: 1 },
    });
    expect(settingsDocument(s)).toMatchObject({ passive: { maxFails: 2, failTimeout: 3_000 }, healthCheck: { interval: 300, timeout: 1_000 } });
    expect(balancerSettingsSchema.parse(settingsDocument(s))).toStrictEqual(s);
    expect('healthCheck' in settingsDocument({ ...s, healthCheck: false })).toBe(false);
  });
});
