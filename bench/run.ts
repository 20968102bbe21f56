/**
 * `npm run bench` — the benchmark runner. Runs the sections one after another, prints
 * one combined report (a table per section, then every target as PASS / FAIL / SKIP) and writes
 * the results JSON (`bench/results/latest.json`; `--quick` writes `bench/results/quick.json`; a
 * subset, `--only pick`, writes `latest-pick.json` / `quick-pick.json` and leaves those alone).
 *
 *   pick     ns and bytes per acquire+release, every strategy × 10/100/1,000 backends (pick.ts)
 *   sim      simulator speed beside a bare M/M/1 loop, and its cost from 10 to 10,000 backends (sim-section.ts)
 *   proxy    proxy throughput and latency against nginx, HAProxy, node-http-proxy (proxy.ts)
 *   memory   peak RSS of a 1M-request simulation; proxy RSS while streaming 1 GB (memory.ts)
 *   logs     access-log parse lines/s beside a plain readline + regex loop, parse + fit time and
 *            memory, trace replay vs Poisson arrivals (logs.ts)
 *   playground  the simulator in the browser page beside the CLI, page start-up (playground.ts)
 *   soak     10 minutes of normal and hostile clients through the proxy, backends killed and
 *            restarted: requests lost, leases left, RSS growth (soak.ts)
 *   scale    npm start's comparison on 2 threads vs serial; a sweep through Redis vs the local pool (scale-section.ts)
 *
 * Options: `--quick` (shorter timings, 2 s proxy points, 100 MB stream, a 15 s soak), `--only pick,proxy` (a subset), `--soak-seconds N` (the soak's length), `--out FILE`. Ratios are always taken between figures measured
 * in the same run. The exit code is 1 when a section failed to run, not when a target is missed
 * (targets are reported; a noisy machine must not break CI).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, release, platform } from 'node:os';
import { dirname, join } from 'node:path';
import { renderTargets, type Target } from './format.js';
import { renderMemoryTable, runMemorySection, type MemorySection } from './memory.js';
import { runLogsSection, type LogsSection } from './logs.js';
import { renderPickTable, runPickSection, type PickSection } from './pick.js';
import { runPlaygroundSection, type PlaygroundSection } from './playground.js';
import { ROOT } from './proc.js';
import { renderProxyTable, runProxySection, type ProxySection } from './proxy.js';
import { runScaleSection, type ScaleSection } from './scale-section.js';
import { runSimSpeed, type SimSpeedSection } from './sim-section.js';
import { renderSoak, runSoak, type SoakSection } from './soak.js';

/** Sections in run order. */
export const SECTIONS = ['pick', 'sim', 'proxy', 'memory', 'logs', 'playground', 'soak', 'scale'] as const;
/** A section name. */
export type SectionName = (typeof SECTIONS)[number];

/** The results file. */
export interface BenchResults {
  schema: 'lbsim-bench/1';
  createdAt: string;
  command: string;
  quick: boolean;
  machine: { node: string; platform: string; kernel: string; cpu: string; cores: number; memoryGB: number };
  pick?: PickSection;
  sim?: SimSpeedSection;
  proxy?: ProxySection;
  memory?: MemorySection;
  logs?: LogsSection;
  playground?: PlaygroundSection;
  soak?: SoakSection;
  scale?: ScaleSection;
  /** Sections that failed to run. */
  errors: { section: SectionName; message: string }[];
  targets: Target[];
  /** The printed report. */
  text: string;
}

interface Args {
  quick: boolean;
  only: SectionName[];
  out: string | undefined;
  soakSeconds: number | undefined;
}

function parseArgs(argv: readonly string[]): Args {
  let only: SectionName[] = [...SECTIONS];
  let out: string | undefined;
  let soakSeconds: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--only' || a.startsWith('--only=')) {
      const v = a.includes('=') ? a.slice(7) : argv[++i] ?? '';
      const names = v.split(',').filter((s) => s !== '');
      for (const n of names) if (!(SECTIONS as readonly string[]).includes(n)) throw new Error(`--only: unknown section "${n}" (${SECTIONS.join(', ')})`);
      only = names as SectionName[];
    } else if (a === '--out' || a.startsWith('--out=')) out = a.includes('=') ? a.slice(6) : argv[++i];
    else if (a === '--soak-seconds' || a.startsWith('--soak-seconds=')) {
      const v = Number(a.includes('=') ? a.slice(15) : argv[++i]);
      if (!(Number.isInteger(v) && v >= 5 && v <= 86_400)) throw new Error('--soak-seconds: expected a whole number of seconds from 5 to 86400');
      soakSeconds = v;
    } else if (a !== '--quick') throw new Error(`unknown option ${a} (known: --quick, --only LIST, --soak-seconds N, --out FILE)`);
  }
  return { quick: argv.includes('--quick'), only, out, soakSeconds };
}

function machine(): BenchResults['machine'] {
  const c = cpus();
  return {
    node: process.version,
    platform: platform(),
    kernel: release(),
    cpu: c[0]?.model.trim() ?? 'unknown',
    cores: c.length,
    memoryGB: Math.round(totalmem() / 2 ** 30),
  };
}

function log(s: string): void {
  process.stderr.write(`bench: ${s}\n`);
}

/** Renders the whole report (section tables, then targets). */
export function renderReport(r: Omit<BenchResults, 'text'>): string {
  const m = r.machine;
  const parts: string[] = [
    `lbsim benchmarks — ${r.createdAt.slice(0, 10)}, \`${r.command}\``,
    `node ${m.node}, ${m.platform} ${m.kernel}, ${m.cpu} × ${m.cores}, ${m.memoryGB} GB`,
    '',
  ];
  if (r.pick) {
    parts.push(
      `## Pick cost: ns per acquire+release (median of batches of ${r.pick.options.batch}), bytes allocated per pick`,
      '',
      renderPickTable(r.pick.rows),
      '',
      'B/pick counts every byte allocated per acquire+release (heap growth with scavenges ruled out), including V8',
      'boxing a number that crosses a non-inlined call (16 B each); fractions of a byte are rare JIT or GC bookkeeping.',
      '',
    );
  }
  if (r.sim) parts.push('## Simulator speed', '', r.sim.table, '');
  if (r.proxy) {
    parts.push(
      `## Proxy throughput: ${r.proxy.generator === 'wrk' ? 'wrk -t1' : 'undici closed loop'}, ${r.proxy.secondsPerPoint} s per point, 3 loopback backends`,
      '',
      renderProxyTable(r.proxy),
      '',
    );
  }
  if (r.memory) parts.push('## Memory', '', renderMemoryTable(r.memory), '');
  if (r.logs) parts.push(`## Access logs: ${r.logs.lines} nginx lines; trace replay`, '', r.logs.table, '');
  if (r.playground) {
    parts.push(`## Playground: the default scenario in Chromium beside Node (median of ${r.playground.rounds})`, '', r.playground.table, '');
  }
  if (r.soak) parts.push('## Soak: normal and hostile clients, backends killed and restarted', '', renderSoak(r.soak), '');
  if (r.scale) parts.push(`## Scaling out: wall time, best of rounds (${r.scale.cores} cores)`, '', r.scale.table, '');
  for (const e of r.errors) parts.push(`ERROR in ${e.section}: ${e.message}`);
  if (r.errors.length > 0) parts.push('');
  const pass = r.targets.filter((t) => t.pass === true).length;
  const fail = r.targets.filter((t) => t.pass === false).length;
  const skip = r.targets.filter((t) => t.pass === null).length;
  parts.push(`## Targets: ${pass} pass, ${fail} fail, ${skip} skipped`, '', renderTargets(r.targets));
  return parts.join('\n');
}

async function main(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv);
  const t0 = performance.now();
  const base: Omit<BenchResults, 'text'> = {
    schema: 'lbsim-bench/1',
    createdAt: new Date().toISOString(),
    command: `npm run bench${args.quick ? ' -- --quick' : ''}`,
    quick: args.quick,
    machine: machine(),
    errors: [],
    targets: [],
  };
  const run = async <T extends { targets: Target[] }>(name: SectionName, f: () => Promise<T>): Promise<T | undefined> => {
    if (!args.only.includes(name)) return undefined;
    const s0 = performance.now();
    log(`${name} …`);
    try {
      const r = await f();
      base.targets.push(...r.targets);
      log(`${name} done in ${((performance.now() - s0) / 1000).toFixed(1)} s`);
      return r;
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      log(`${name} FAILED: ${message}`);
      base.errors.push({ section: name, message: message.split('\n')[0] ?? message });
      return undefined;
    }
  };
  const withLog = { quick: args.quick, log };
  const pick = await run('pick', () => runPickSection(withLog));
  if (pick) base.pick = pick;
  const sim = await run('sim', () => runSimSpeed({ ...withLog, ...(pick ? { pick: pick.rows } : {}) }));
  if (sim) base.sim = sim;
  const proxy = await run('proxy', () => runProxySection(withLog));
  if (proxy) base.proxy = proxy;
  const memory = await run('memory', () => runMemorySection(withLog));
  if (memory) base.memory = memory;
  const logs = await run('logs', () => runLogsSection(withLog));
  if (logs) base.logs = logs;
  const playground = await run('playground', () => runPlaygroundSection(withLog));
  if (playground) base.playground = playground;
  const soak = await run('soak', () => runSoak({ ...withLog, ...(args.soakSeconds !== undefined ? { seconds: args.soakSeconds } : {}) }));
  if (soak) base.soak = soak;
  const scale = await run('scale', () => runScaleSection(withLog));
  if (scale) base.scale = scale;

  const text = renderReport(base);
  const results: BenchResults = { ...base, text };
  // A subset (`--only`) writes a file of its own, so it never replaces a full run's results.
  const partial = args.only.length < SECTIONS.length ? `-${args.only.join('-')}` : '';
  const out = args.out ?? join(ROOT, 'bench', 'results', `${args.quick ? 'quick' : 'latest'}${partial}.json`);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(text);
  console.log(`\nresults: ${out} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  return base.errors.length > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(`bench: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 2;
  },
);
