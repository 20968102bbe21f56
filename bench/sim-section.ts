/**
 * The simulator-speed section of the runner: runs `bench/sim.ts` (simulator vs a bare M/M/1 loop,
 * written separately) in a fresh node process — it runs its measurement on load and exports
 * nothing — and turns its report into the section's text and its target (engine within 3x of
 * the bare loop).
 */
import { type Target } from './format.js';
import { runToEnd, BENCH_DIR, ROOT } from './proc.js';
import { join } from 'node:path';

/** The simulator-speed section's result. */
export interface SimSpeedSection {
  requests: number;
  /** bare-loop req/s ÷ engine req/s, when reported. */
  ratio: number | null;
  /** The report printed by bench/sim.ts. */
  table: string;
  targets: Target[];
}

/**
 * The engine's slowdown versus the bare loop from sim.ts's report: the first `N.NNx` on the line
 * that mentions "ratio" (sim.ts prints it as engine/bare time per request, wall clock first).
 */
export function parseRatio(report: string): number | null {
  const line = report.split('\n').find((l) => /ratio/i.test(l));
  const m = line ? /([\d.]+)x/.exec(line) : null;
  return m ? Number(m[1]) : null;
}

/** Runs bench/sim.ts with 1M requests (quick: 200k). */
export async function runSimSpeed(opts: { quick: boolean }): Promise<SimSpeedSection> {
  const requests = opts.quick ? 200_000 : 1_000_000;
  const out = await runToEnd(process.execPath, [join(BENCH_DIR, 'sim.js'), String(requests)], { cwd: ROOT, timeoutMs: 600_000 });
  if (out.code !== 0) throw new Error(`sim.js exited with ${out.code ?? out.signal}: ${out.stderr.trim().slice(-1000)}`);
  const table = out.stdout.trimEnd();
  const ratio = parseRatio(table);
  const targets: Target[] = [
    {
      name: 'simulator (p2c, 10 backends) vs bare M/M/1 loop',
      measured: ratio === null ? '–' : `${ratio.toFixed(2)}x slower`,
      limit: '≤ 3x',
      pass: ratio === null ? null : ratio <= 3,
      ...(ratio === null ? { note: 'bench/sim.ts printed no ratio' } : {}),
    },
  ];
  return { requests, ratio, table, targets };
}
