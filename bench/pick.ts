/**
 * Pick cost: nanoseconds per acquire+release and bytes allocated per pick, for every registered
 * strategy at 10, 100 and 1,000 backends (the first section of `npm run bench`; targets below).
 *
 * Timing uses tinybench (https://github.com/tinylibs/tinybench): each task call performs a batch of
 * operations (see {@link PickWorkload}) so the timer's own cost (~30–50 ns) is amortised; the figure
 * is the median batch time divided by the batch size. Allocation uses {@link measureAlloc}.
 *
 * Each strategy is measured in its own node process: a production process runs one strategy, and
 * measuring all in one process would make the balancer's call to `strategy.pick` megamorphic and
 * charge later strategies for the earlier ones.
 *
 * Every non-default flavor of a strategy is measured too, as a row of its own (`p2c[nginx]`).
 *
 * Usage: `node dist/bench/pick.js [--quick]` (prints the table), or `--child <strategy>[<flavor>]`
 * (internal: measures one strategy or flavor and prints JSON).
 */
import { Bench } from 'tinybench';
import { STRATEGIES, findStrategy } from '../src/strategies/index.js';
import { ALLOC_NODE_FLAGS, canMeasureAlloc, measureAlloc } from './alloc.js';
import { fmtBytesPerOp, fmtNs, renderTable, renderTargets, type Target } from './format.js';
import { PickWorkload } from './pick-workload.js';
import { isMain, runNodeJson } from './proc.js';

/** Backend counts measured. */
export const PICK_SIZES: readonly number[] = [10, 100, 1000];
const BATCH = 256;

/** One measured point. */
export interface PickRow {
  strategy: string;
  cost: 'O(1)' | 'O(log n)' | 'O(n)';
  backends: number;
  /** Median ns per acquire+release. */
  ns: number;
  /** Mean ns per acquire+release. */
  nsMean: number;
  /** Relative margin of error of the mean batch time, %. */
  rme: number;
  /** Batches timed. */
  samples: number;
  /** Bytes allocated per acquire+release (NaN if it could not be measured without a GC). */
  bytes: number;
}

/** The pick section's result. */
export interface PickSection {
  rows: PickRow[];
  targets: Target[];
  options: { quick: boolean; batch: number; timeMs: number };
}

function timing(quick: boolean): { time: number; warmupTime: number; iterations: number; allocOps: number } {
  return quick
    ? { time: 40, warmupTime: 20, iterations: 16, allocOps: 30_000 }
    : { time: 600, warmupTime: 200, iterations: 64, allocOps: 400_000 };
}

/** Every strategy, then each non-default flavor as `name[flavor]`, in registry order. */
export function pickVariants(): string[] {
  return STRATEGIES.flatMap((s) => [s.name, ...(s.flavors?.list.filter((f) => f !== s.flavors!.default).map((f) => `${s.name}[${f}]`) ?? [])]);
}

/** Measures one strategy (or `name[flavor]`) at each size in this process (needs {@link ALLOC_NODE_FLAGS} for bytes). */
export async function measureStrategy(variant: string, sizes: readonly number[], quick: boolean): Promise<PickRow[]> {
  const m = /^([^[]+)(?:\[([a-z]+)\])?$/.exec(variant);
  const name = m?.[1] ?? variant;
  const options = m?.[2] !== undefined ? { flavor: m[2] } : {};
  const def = findStrategy(name);
  if (!def) throw new Error(`unknown strategy "${variant}"`);
  const t = timing(quick);
  const rows: PickRow[] = [];
  for (const size of sizes) {
    const w = new PickWorkload(name, size, 1, options);
    const bench = new Bench({ time: t.time, warmupTime: t.warmupTime, iterations: t.iterations, timestampProvider: 'hrtimeNow', throws: true });
    bench.add(`${variant}@${size}`, () => w.run(BATCH));
    await bench.run();
    const r = bench.tasks[0]!.result;
    if (r.state !== 'completed') throw new Error(`${variant}@${size}: tinybench ${r.state}`);
    // Warm up at the same batch shape, then count allocation over many operations.
    let bytes = Number.NaN;
    if (canMeasureAlloc()) {
      const ops = size >= 1000 && def.cost === 'O(n)' ? Math.max(10_000, t.allocOps / 10) : t.allocOps;
      const a = await measureAlloc((k) => w.run(k), ops);
      bytes = a.valid ? a.bytesPerOp : Number.NaN;
    }
    const left = w.close();
    if (left !== 0) throw new Error(`${variant}@${size}: ${left} leases outstanding after close`);
    rows.push({
      strategy: variant,
      cost: def.cost,
      backends: size,
      ns: (r.latency.p50 * 1e6) / BATCH,
      nsMean: (r.latency.mean * 1e6) / BATCH,
      rme: r.latency.rme,
      samples: r.latency.samplesCount,
      bytes,
    });
  }
  return rows;
}

/** The pick-cost targets: at 100 backends O(1)/O(log n) ≤ 150 ns, O(n) ≤ 1.5 µs, and 0 bytes per pick. */
export function pickTargets(rows: readonly PickRow[]): Target[] {
  const out: Target[] = [];
  for (const r of rows) {
    if (r.backends !== 100) continue;
    const limitNs = r.cost === 'O(n)' ? 1500 : 150;
    const zero = r.bytes < 0.5;
    out.push({
      name: `pick ${r.strategy} (${r.cost}) @100`,
      measured: `${fmtNs(r.ns)}, ${fmtBytesPerOp(r.bytes)}/pick`,
      limit: `≤ ${fmtNs(limitNs)}, 0 B`,
      pass: Number.isNaN(r.bytes) ? null : r.ns <= limitNs && zero,
      ...(Number.isNaN(r.bytes) ? { note: 'allocation not measurable (GC during loop)' } : {}),
    });
  }
  return out;
}

/** Runs the pick section: one child process per strategy, all sizes. */
export async function runPickSection(opts: { quick: boolean; strategies?: readonly string[]; log?: (s: string) => void }): Promise<PickSection> {
  const names = opts.strategies ?? pickVariants();
  const rows: PickRow[] = [];
  for (const name of names) {
    opts.log?.(`pick: ${name}`);
    const args = ['--child', name, ...(opts.quick ? ['--quick'] : [])];
    rows.push(...(await runNodeJson<PickRow[]>('pick.js', args, ALLOC_NODE_FLAGS)));
  }
  return { rows, targets: pickTargets(rows), options: { quick: opts.quick, batch: BATCH, timeMs: timing(opts.quick).time } };
}

/** The pick table: one row per strategy, ns and bytes per size. */
export function renderPickTable(rows: readonly PickRow[]): string {
  const sizes = [...new Set(rows.map((r) => r.backends))].sort((a, b) => a - b);
  const names = [...new Set(rows.map((r) => r.strategy))];
  const headers = ['strategy', 'cost', ...sizes.flatMap((s) => [`ns @${s}`, `B/pick @${s}`])];
  const body = names.map((n) => {
    const mine = rows.filter((r) => r.strategy === n);
    return [
      n,
      mine[0]!.cost,
      ...sizes.flatMap((s) => {
        const r = mine.find((x) => x.backends === s);
        return r ? [fmtNs(r.ns), fmtBytesPerOp(r.bytes)] : ['–', '–'];
      }),
    ];
  });
  return renderTable(headers, body);
}

async function main(argv: readonly string[]): Promise<void> {
  const quick = argv.includes('--quick');
  const ci = argv.indexOf('--child');
  if (ci >= 0) {
    const name = argv[ci + 1];
    if (!name) throw new Error('--child needs a strategy name');
    const rows = await measureStrategy(name, PICK_SIZES, quick);
    process.stdout.write(`${JSON.stringify(rows)}\n`);
    return;
  }
  const section = await runPickSection({ quick, log: (s) => process.stderr.write(`${s}\n`) });
  console.log(renderPickTable(section.rows));
  console.log();
  console.log(renderTargets(section.targets));
}

if (isMain(import.meta.url)) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    console.error(e instanceof Error ? e.stack ?? e.message : String(e));
    process.exitCode = 1;
  });
}
