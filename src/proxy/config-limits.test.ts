/**
 * Proxy config inputs written as the README writes them, and the ketama ring-points limit: a
 * `retries.on` status may be a number (`[502]`, as YAML reads it) or a string, and a consistent-hash
 * proxy whose weights would build an oversized ring is refused naming the field and the limit.
 */
import { describe, expect, it } from 'vitest';
import { InputError } from '../input/errors.js';
import { parseConfigText } from './config.js';

const base = (extra: string, strategy = 'round-robin', weight = 1) =>
  `listen: 127.0.0.1:0\nstrategy: ${strategy}\nbackends:\n  - { url: http://127.0.0.1:9001, weight: ${weight} }\n${extra}\n`;

describe('proxy config inputs', () => {
  it('retries.on takes statuses as numbers or strings, as the README writes them', () => {
    const c = parseConfigText(base('retries: { count: 2, on: [connect, reset, timeout, 502, "503", 504] }'), 'p.yaml');
    expect([...c.retries.on].sort()).toEqual(['502', '503', '504', 'connect', 'reset', 'timeout']);
    expect(() => parseConfigText(base('retries: { on: [500] }'), 'p.yaml')).toThrow(/retries\.on\[0\]: expected one of .*"502"/);
  });

  it('a ketama ring beyond the ring-points limit is refused naming the weight', () => {
    expect(() => parseConfigText(base('', 'consistent-hash', 1_000_000), 'p.yaml')).toThrow(InputError);
    expect(() => parseConfigText(base('', 'consistent-hash', 1_000_000), 'p.yaml')).toThrow(/backends\[0\]\.weight: consistent-hash builds a ketama ring .* 160,000,000 points, more than the limit of 8,388,608/);
    expect(() => parseConfigText(base('sticky: { cookie: s }', 'bounded-load', 1_000_000), 'p.yaml')).toThrow(/bounded-load builds a ketama ring/);
    expect(parseConfigText(base('', 'consistent-hash', 50_000), 'p.yaml').backends[0]!.weight).toBe(50_000);
    expect(parseConfigText(base('', 'round-robin', 1_000_000), 'p.yaml').backends[0]!.weight).toBe(1_000_000);
  });

  it('sticky sessions do not nest', () => {
    expect(() => parseConfigText(base('', 'sticky').replace('backends:', 'options: { inner: sticky }\nbackends:'), 'p.yaml')).toThrow(/options\.inner: expected a strategy other than sticky/);
  });
});
