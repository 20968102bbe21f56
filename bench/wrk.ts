/**
 * Runs `wrk` (https://github.com/wg/wrk, the Debian package `wrk`) against one URL and parses its
 * `--latency` report: requests/s, the 50th and 99th latency percentiles, errors.
 */
import type { LoadResult } from './load-result.js';
import { runToEnd } from './proc.js';

/** A wrk duration (`1.23ms`, `456.00us`, `1.02s`, `2.00m`) in ms. */
export function parseWrkTime(s: string): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(s.trim());
  if (!m) return Number.NaN;
  const v = Number(m[1]);
  switch (m[2]) {
    case 'us':
      return v / 1000;
    case 'ms':
      return v;
    case 's':
      return v * 1000;
    default:
      return v * 60_000;
  }
}

/** Parses wrk's `--latency` text output. */
export function parseWrk(text: string, seconds: number): LoadResult {
  const pct = (p: string): number => {
    const m = new RegExp(`^\\s*${p}%\\s+(\\S+)`, 'm').exec(text);
    return m ? parseWrkTime(m[1]!) : Number.NaN;
  };
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(text);
  const total = /(\d+) requests in ([\d.]+\w+)/.exec(text);
  const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(text);
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  const sockErrors = sock ? Number(sock[1]) + Number(sock[2]) + Number(sock[3]) + Number(sock[4]) : 0;
  return {
    generator: 'wrk',
    rps: rps ? Number(rps[1]) : Number.NaN,
    p50: pct('50'),
    p99: pct('99'),
    requests: total ? Number(total[1]) : 0,
    errors: (non2xx ? Number(non2xx[1]) : 0) + sockErrors,
    seconds: total ? parseWrkTime(total[2]!) / 1000 : seconds,
  };
}

/** Runs wrk with one thread and `connections` keep-alive connections for `seconds`. */
export async function runWrk(wrk: string, url: string, connections: number, seconds: number): Promise<LoadResult> {
  const args = ['-t', '1', '-c', String(connections), '-d', `${seconds}s`, '--latency', '--timeout', '5s', url];
  const out = await runToEnd(wrk, args, { timeoutMs: (seconds + 30) * 1000 });
  if (out.code !== 0) throw new Error(`wrk exited with ${out.code ?? out.signal}: ${out.stderr.trim()}`);
  return parseWrk(out.stdout, seconds);
}
