/**
 * `lbsim` command line (commander). Each command lives in its own module; this file wires them and
 * turns user errors into one clear message and exit code 2 (commander usage errors included).
 *
 * Start-up: only commander, the version and the input-error class load here. Every command module
 * (and with it the simulator, the strategies, zod, the proxy…) is imported inside its action, so
 * `lbsim --version`, `lbsim --help` and `lbsim <command> --help` load none of them, and each command
 * pays only for what it uses. `cli.test.ts` checks that with a trace of the loaded modules.
 */
import { Command, CommanderError, Help, Option } from 'commander';
import { InputError } from '../input/errors.js';
import { guardStandardStreams } from './streams.js';
import { VERSION } from './version.js';

/** `--limit NAME=N` (repeatable): raises an input limit (README, "Security and limits"). */
function limitOption(cmd: Command): Command {
  return cmd.option(
    '--limit <name=n>',
    'raise an input limit: requests, backends, ring-points, series, population, file-size, live-rate, nesting (repeatable; see README "Input limits")',
    (v: string, prev: string[] = []) => [...prev, v],
  );
}

/** The options `live` and `compare-live` share. */
function liveOptions(cmd: Command): Command {
  return limitOption(cmd)
    .argument('<scenario>', 'scenario file (YAML or JSON), or the name of a shipped scenario in sims/')
    .option('--strategies <list>', 'comma-separated registry names, or "all" (overrides the scenario)')
    .option('--seed <n>', 'random seed (overrides the scenario)')
    .option('--set <key=value>', 'change a scenario key before validation, e.g. clients.rate=5000 (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--duration <t>', 'measured real time per strategy, e.g. 20s (default: the scaled duration, at most 20s)')
    .option('--warmup <t>', 'real warm-up per strategy (default: the scaled warm-up, at most 3s)')
    .option('--scale <x>', 'time scale: services ×x, rates ÷x (default auto: mean service ≥ 20 ms and ≤ 600 req/s)')
    .option('--workers <n>', 'proxy worker processes (node cluster; default 1)')
    .option('--backends <where>', 'where the emulated backends run: inline (default, this process) or child')
    .option('--proxy <where>', 'where a one-worker proxy runs: inline (default, this process) or child');
}

/**
 * Help that names required options: `(required)` after their description, and in the usage line
 * (`lbsim report [options] --out <dir> <results...>`), since commander lists them with the others.
 */
const HELP_WITH_REQUIRED = {
  optionDescription(this: Help, option: Option): string {
    const text = Help.prototype.optionDescription.call(this, option);
    return option.mandatory ? `${text} (required)` : text;
  },
  commandUsage(this: Help, cmd: Command): string {
    const usage = Help.prototype.commandUsage.call(this, cmd);
    const required = cmd.options.filter((o) => o.mandatory).map((o) => o.flags.split(/,\s*/).pop()!);
    return required.length === 0 ? usage : usage.replace('[options]', `[options] ${required.join(' ')}`);
  },
};
/** The flags of the decision (`run`, `capacity`, `tune`): objectives, baseline, proxy, metric. */
function decisionOptions(cmd: Command): Command {
  return cmd
    .option('--slo <objectives>', 'service-level objectives, e.g. p99=10ms,p999=50ms,availability=99.9 (overrides the scenario)')
    .option('--baseline <strategy>', 'the strategy you run today, compared with every other (overrides the scenario)')
    .addOption(new Option('--proxy <proxy>', 'recommend only what this proxy can run (overrides the scenario)').choices(['nginx', 'nginx-plus', 'haproxy', 'envoy']))
    .addOption(new Option('--metric <metric>', 'rank strategies by this latency figure (default: the SLO\'s percentile, else p99)').choices(['p99', 'p999', 'mean']));
}

/** Runs the CLI with `argv` (as `process.argv`) and resolves to the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  guardStandardStreams();
  let code = 0;
  const program = new Command();
  program
    .name('lbsim')
    .description('Load-balancing simulator, reverse proxy and benchmarks sharing one balancing core')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .configureHelp(HELP_WITH_REQUIRED)
    .showHelpAfterError('(run lbsim --help for usage)');

  decisionOptions(limitOption(program
    .command('run'))
    .description('simulate a scenario with every chosen strategy, compare them and recommend one'))
    .argument('<scenario>', 'scenario file (YAML or JSON), or the name of a shipped scenario in sims/')
    .option('--strategies <list>', 'comma-separated registry names, or "all" (overrides the scenario)')
    .option('--seed <n>', 'random seed (overrides the scenario)')
    .option('--replications <n>', 'independent replications (overrides the scenario)')
    .option('--duration <t>', 'measured duration, e.g. 30s (overrides the scenario)')
    .option('--parallel <n>', 'threads running simulations (default: CPU count; 1 = this thread only)')
    .option('--queue <redis-url>', 'run on lbsim workers sharing a Redis queue, e.g. redis://127.0.0.1:6379')
    .option('--json <file>', 'write the results JSON here')
    .option('--report <dir>', 'write the web report (index.html) into this directory')
    .option('--quiet', 'no progress output')
    .option('--no-headroom', 'skip the headroom search (the load at which each strategy breaks the SLO)')
    .action(async (scenario: string, opts) => {
      const { runCommand } = await import('./run.js');
      code = await runCommand(scenario, opts);
    });

  decisionOptions(limitOption(program
    .command('capacity'))
    .description('per strategy, the smallest backend count (or largest rate, or smallest speed) that meets the SLO'))
    .argument('<scenario>', 'scenario file, or the name of a shipped scenario')
    .addOption(new Option('--vary <what>', 'what to search: backends (default), rate, speed').choices(['backends', 'rate', 'speed']).default('backends'))
    .option('--group <name>', 'the backend group to vary (name or index; required with several groups for backends)')
    .option('--range <lo:hi>', 'the range to search (backend counts, req/s, or speed multipliers)')
    .option('--strategies <list>', 'comma-separated registry names, or "all"')
    .option('--seed <n>', 'random seed')
    .option('--replications <n>', 'replications (each searched on its own seed; the answer gets an interval)')
    .option('--duration <t>', 'measured duration per run')
    .option('--parallel <n>', 'threads running simulations (default: CPU count; 1 = this thread only)')
    .option('--queue <redis-url>', 'run on lbsim workers sharing a Redis queue, e.g. redis://127.0.0.1:6379')
    .option('--json <file>', 'write the results JSON (with capacity) here')
    .option('--report <dir>', 'write the web report into this directory')
    .option('--quiet', 'no progress output')
    .action(async (scenario: string, opts) => {
      const { capacityCommand } = await import('./capacity.js');
      code = await capacityCommand(scenario, opts);
    });

  decisionOptions(limitOption(program
    .command('tune'))
    .description("search one strategy's numeric options (and balancer settings when asked) for the best value"))
    .argument('<scenario>', 'scenario file, or the name of a shipped scenario')
    .requiredOption('--strategy <name>', 'the strategy to tune (registry name or a label of the scenario) (required)')
    .option('--param <spec>', 'a setting to search, with an optional range: draws, draws=2:8, balancer.hedge.delay=1ms:50ms (repeatable; default: every numeric option)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--budget <n>', 'settings to evaluate at most (default 20; each runs every replication)')
    .option('--seed <n>', 'random seed')
    .option('--replications <n>', 'replications per setting')
    .option('--duration <t>', 'measured duration per run')
    .option('--parallel <n>', 'threads running simulations (default: CPU count; 1 = this thread only)')
    .option('--queue <redis-url>', 'run on lbsim workers sharing a Redis queue, e.g. redis://127.0.0.1:6379')
    .option('--json <file>', 'write the results JSON (with tune) here')
    .option('--report <dir>', 'write the web report into this directory')
    .option('--quiet', 'no progress output')
    .action(async (scenario: string, opts) => {
      const { tuneCommand } = await import('./tune.js');
      code = await tuneCommand(scenario, opts);
    });

  program
    .command('sweep')
    .description('run a scenario at each value of one key, or each point of a grid of keys (p99 versus offered load)')
    .argument('<scenario>', 'scenario file, or the name of a shipped scenario')
    .requiredOption(
      '--vary <key=values>',
      'a key and its values: from:to:step, from:to or v1,v2,… (repeat for a grid), e.g. clients.rate=1000:9000:1000, strategies[p2c].options.draws=2:4',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option('--strategies <list>', 'comma-separated registry names, or "all"')
    .option('--seed <n>', 'random seed')
    .option('--replications <n>', 'replications per point')
    .option('--duration <t>', 'measured duration per point')
    .option('--parallel <n>', 'threads running simulations (default: CPU count; 1 = this thread only)')
    .option('--queue <redis-url>', 'run on lbsim workers sharing a Redis queue, e.g. redis://127.0.0.1:6379')
    .option('--json <file>', 'write the results JSON here')
    .option('--report <dir>', 'write the web report into this directory')
    .option('--quiet', 'no progress output')
    .action(async (scenario: string, opts) => {
      const { sweepCommand } = await import('./sweep.js');
      code = await sweepCommand(scenario, opts);
    });

  program
    .command('worker')
    .description('take runs from a Redis queue (filled by run, sweep, capacity or tune with --queue) and simulate them, until Ctrl-C')
    .argument('<redis-url>', 'the queue, e.g. redis://127.0.0.1:6379')
    .option('--concurrency <n>', 'runs at a time, on worker threads (default: CPU count)')
    .option('--stall-timeout <t>', 'how soon the runs of a worker that died are retried elsewhere (default 30s)')
    .option('--verbose', 'one line per run started and finished')
    .action(async (url: string, opts) => {
      const { workerCommand } = await import('./worker.js');
      code = await workerCommand(url, opts);
    });

  program
    .command('list')
    .description('list strategies (with options) and shipped scenarios')
    .option('--json', 'machine-readable output')
    .action(async (opts) => {
      const { listCommand } = await import('./list.js');
      code = listCommand(opts);
    });

  limitOption(program.command('validate'))
    .description('check a scenario file without running it')
    .argument('<scenario>', 'scenario file')
    .action(async (scenario: string, opts) => {
      const { validateCommand } = await import('./validate.js');
      code = await validateCommand(scenario, opts);
    });

  program
    .command('playground')
    .description('write the playground: one HTML file that edits and runs scenarios in the browser, offline')
    .argument('[scenario]', 'scenario file, or the name of a shipped scenario, to open first')
    .option('--out <dir>', 'output directory (default out/playground)')
    .action(async (scenario: string | undefined, opts) => {
      const { playgroundCommand } = await import('./playground.js');
      code = playgroundCommand(scenario, opts);
    });

  program
    .command('schema')
    .description('print the JSON Schema of scenario files (for editors: validation, hover help, completion)')
    .option('--out <file>', 'write it to this file instead of stdout')
    .action(async (opts) => {
      const { schemaCommand } = await import('./schema.js');
      code = schemaCommand(opts);
    });

  program
    .command('proxy')
    .description('run the HTTP reverse proxy on the balancing core')
    .requiredOption('--config <file>', 'proxy config (YAML or JSON)')
    .addOption(new Option('--workers <n>', 'worker processes (node cluster)'))
    .action(async (opts) => {
      const { proxyCommand } = await import('../proxy/cli.js');
      code = await proxyCommand(opts.config, { workers: opts.workers === undefined ? undefined : Number(opts.workers) });
    });

  limitOption(program
    .command('report'))
    .description('write the web report for one or more results files')
    .argument('<results...>', 'results JSON files')
    .requiredOption('--out <dir>', 'output directory')
    .action(async (files: string[], opts) => {
      const { reportCommand } = await import('./report.js');
      code = reportCommand(files, opts.out, opts.limit);
    });

  liveOptions(program.command('live'))
    .description('run a scenario on real sockets: emulated backends, the real proxy, an open- or closed-loop load generator')
    .option('--json <file>', 'write the results JSON (mode "live") here')
    .option('--report <dir>', 'write the web report into this directory')
    .option('--quiet', 'no progress output')
    .action(async (scenario: string, opts) => {
      const { liveCommand } = await import('./live.js');
      code = await liveCommand(scenario, opts);
    });

  liveOptions(program.command('compare-live'))
    .description('run a scenario simulated and live, and compare latency, shares, utilization and ranking')
    .option('--overhead <ms>', 'per-request overhead given to the simulator: measured (default), none, or ms')
    .option('--json-sim <file>', 'write the simulated results JSON here')
    .option('--json-live <file>', 'write the live results JSON here')
    .option('--report <dir>', 'write one web report with both results into this directory')
    .option('--quiet', 'no progress output')
    .action(async (scenario: string, opts) => {
      const { compareLiveCommand } = await import('./live.js');
      code = await compareLiveCommand(scenario, opts);
    });

  limitOption(program
    .command('import'))
    .description('read the load-balancing part of an nginx, HAProxy or Envoy config, or an AWS ALB target group (and fit the workload from access logs), and write a scenario')
    .argument('[config]', 'nginx.conf, haproxy.cfg, envoy.yaml, or the JSON of aws elbv2 describe-target-group-attributes (optional with --log)')
    .option('--upstream <name>', 'which upstream / backend / cluster to import (when there are several)')
    .addOption(new Option('--format <format>', 'config format (guessed from the file when left out)').choices(['nginx', 'haproxy', 'envoy', 'aws']))
    .option('--targets <file>', 'AWS: the JSON of aws elbv2 describe-target-health for the target group')
    .option('--log <file>', 'access log to fit the workload from, plain or .gz (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--log-format <format>', "how to read the logs: nginx:'<log_format>', haproxy[:<log-format>], envoy[:<format>], envoy-json:<key=OP,…>, jsonl:<mapping>, csv:<mapping> (default: the config's own)")
    .option('-o, --output <file>', 'write the scenario here (default: stdout)')
    .action(async (file: string | undefined, opts) => {
      const { importCommand } = await import('./import.js');
      code = await importCommand(file, opts);
    });

  program
    .command('export')
    .description('write a chosen strategy and its settings as an nginx, HAProxy or Envoy config fragment')
    .argument('<scenario-or-results>', 'scenario file or results JSON')
    .requiredOption('--strategy <name>', 'registry name, a label from the scenario, or best (the recommended strategy)')
    .addOption(new Option('--format <format>', 'target proxy').choices(['nginx', 'haproxy', 'envoy']).makeOptionMandatory())
    .option('-o, --output <file>', 'write the fragment here (default: stdout)')
    .action(async (file: string, opts) => {
      const { exportCommand } = await import('./export.js');
      code = await exportCommand(file, opts);
    });

  try {
    await program.parseAsync([...argv]);
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.exitCode === 0 ? 0 : 2;
    }
    if (e instanceof InputError) {
      for (const line of e.message.split('\n')) process.stderr.write(`lbsim: ${line}\n`);
      return 2;
    }
    throw e;
  }
}
