/**
 * Input limits: the size of what a user-supplied file may ask lbsim to do, checked before any of it
 * is done, so that a typo (`rate: 1e12`, `duration: 1e9s`, `count: 10000000`, a weight of a million
 * on a ketama ring, `file: /dev/zero`) is a one-line error with exit code 2 instead of an exhausted
 * heap, a process that never finishes or a machine that swaps. Each limit has a name; a user who
 * really wants more raises it with `--limit NAME=VALUE` (repeatable) on the commands that read
 * scenarios and configs. The defaults and what they cost are listed in the README ("Security and
 * limits" → "Input limits").
 *
 * No Node dependency (the browser playground bundles the scenario loader that reads these).
 */
import { InputError } from './errors.js';

/** Every input limit (see {@link LIMIT_DOCS} for what each one bounds). */
export interface InputLimits {
  /** Bytes of any one file lbsim reads: scenario, samples file, proxy config, included config, results. */
  fileBytes: number;
  /** Estimated requests in one simulated run (one strategy, one replication); also timed events. */
  requests: number;
  /** Simulated backends in a scenario (Σ count, an autoscaled group at its max). */
  backends: number;
  /** Points of a ketama ring: 160 × Σ weight (consistent-hash, bounded-load). */
  ringPoints: number;
  /** Time-series cells of one run: (backends + 1) × ⌈duration / interval⌉. */
  seriesCells: number;
  /** Size of a Zipf population (a table of that many numbers) and closed-loop users. */
  population: number;
  /** Offered request rate of a live run after time scaling (requests per second, real time). */
  liveRate: number;
  /** Directives nested inside each other in an nginx config (`a { b { … } }`). */
  nestingDepth: number;
}

/** The default limits. */
export const DEFAULT_LIMITS: Readonly<InputLimits> = Object.freeze({
  fileBytes: 16 * 1024 * 1024,
  requests: 20_000_000,
  backends: 10_000,
  ringPoints: 8_388_608,
  seriesCells: 10_000_000,
  population: 10_000_000,
  liveRate: 20_000,
  nestingDepth: 64,
});

/** The `--limit` name of each limit, and what it bounds (for errors and `--help`). */
export const LIMIT_DOCS: Readonly<Record<keyof InputLimits, { flag: string; what: string }>> = Object.freeze({
  fileBytes: { flag: 'file-size', what: 'bytes in one input file' },
  requests: { flag: 'requests', what: 'requests (or timed events) per simulated run' },
  backends: { flag: 'backends', what: 'simulated backends' },
  ringPoints: { flag: 'ring-points', what: 'ketama ring points (160 × total weight)' },
  seriesCells: { flag: 'series', what: 'time-series cells per run ((backends + 1) × slices)' },
  population: { flag: 'population', what: 'values in a Zipf population, or closed-loop users' },
  liveRate: { flag: 'live-rate', what: 'requests per second offered by a live run after scaling' },
  nestingDepth: { flag: 'nesting', what: 'levels of nested blocks in an nginx config' },
});

/** Formats a count for people: `20,000,000`. */
export function formatCount(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : String(n);
}

/** Formats a byte count for people: `16 MiB`, `1.5 KiB`, `800 bytes`. */
export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${+(n / (1024 * 1024)).toPrecision(3)} MiB`;
  if (n >= 1024) return `${+(n / 1024).toPrecision(3)} KiB`;
  return `${n} bytes`;
}

/** `(at most 20,000,000; raise it with --limit requests=N)`: the tail of every limit error. */
export function limitHint(name: keyof InputLimits, limits: Readonly<InputLimits>): string {
  const v = limits[name];
  const shown = name === 'fileBytes' ? formatBytes(v) : formatCount(v);
  return `the limit is ${shown}; raise it with --limit ${LIMIT_DOCS[name].flag}=N`;
}

const BYTE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, kib: 1024, m: 1024 ** 2, mb: 1024 ** 2, mib: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3, gib: 1024 ** 3 };

/**
 * Applies `--limit NAME=VALUE` flags to the defaults. VALUE is a positive number (`1e8`, `50000`;
 * `file-size` also takes `KiB`, `MiB`, `GiB`).
 * @throws InputError naming `--limit` for an unknown name or a bad value
 */
export function parseLimits(specs: readonly string[] | undefined, base: Readonly<InputLimits> = DEFAULT_LIMITS): InputLimits {
  const out: InputLimits = { ...base };
  const names = Object.keys(LIMIT_DOCS) as (keyof InputLimits)[];
  for (const spec of specs ?? []) {
    const eq = spec.indexOf('=');
    const flag = eq > 0 ? spec.slice(0, eq).trim() : '';
    const name = names.find((n) => LIMIT_DOCS[n].flag === flag);
    if (!name) {
      throw new InputError('--limit', [
        { path: '', message: `expected NAME=VALUE with NAME one of ${names.map((n) => LIMIT_DOCS[n].flag).join(', ')}; got ${JSON.stringify(spec.slice(0, 60))}` },
      ]);
    }
    const raw = spec.slice(eq + 1).trim();
    const m = /^(\d+(?:\.\d+)?(?:e\d+)?)\s*([a-z]*)$/i.exec(raw);
    const unit = m ? BYTE_UNITS[m[2]!.toLowerCase()] : undefined;
    const value = m && unit !== undefined && (name === 'fileBytes' || unit === 1) ? Math.floor(Number(m[1]) * unit) : Number.NaN;
    if (!(value >= 1 && Number.isSafeInteger(value))) {
      throw new InputError('--limit', [{ path: flag, message: `expected a positive whole number${name === 'fileBytes' ? ' of bytes (or with KiB, MiB, GiB)' : ''}, got ${JSON.stringify(raw.slice(0, 40))}` }]);
    }
    out[name] = value;
  }
  return out;
}
