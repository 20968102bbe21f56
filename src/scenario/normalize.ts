/**
 * Scenario normalization: a value validated by the schema (`schema.ts`) becomes the normalized
 * {@link Scenario} (`types.ts`): defaults filled in, durations in ms, distributions in their
 * canonical parameters, strategy options validated against each strategy's own schema from the
 * registry, faults expanded to backend ids, and the checks that span several keys (a mixture's
 * parts, an arrival's required keys, group names). Every problem names its field; all are reported
 * at once as one {@link InputError}. No Node dependency: the files a scenario names (an empirical
 * distribution's `file:`) are read through {@link ScenarioFiles}, which `document.ts` provides
 * from disk; the browser playground has none.
 */
import { formatPath, InputError, parseOrThrow, zodProblems, type InputProblem } from '../input/errors.js';
import { parseDuration } from '../input/units.js';
import { logFormatFromSpec } from '../interop/logs/spec.js';
import { findStrategy, strategyNames } from '../strategies/registry.js';
import { suggestStrategy } from '../strategies/aliases.js';
import { degradedMessage, degradedProblems, NGINX_NO_BACKUP, tierProblems } from '../core/balancer/tier-checks.js';
import { zoneProblems } from '../core/balancer/zone-checks.js';
import { backendIds } from './backend-ids.js';
import { normImported } from './imported.js';
import { fleetCapacity, meanClassFactor } from './capacity.js';
import { FAULT_EXTRA, FAULT_KEYS, scenarioSchema, type RawScenario } from './schema.js';
import { normPlacement, zonesOf } from './zone-placement.js';
import type { AutoscaleSettings, Distribution, Fault, Scenario, Slo, StrategyChoice } from './types.js';
import { ln } from '../core/math.js';

/** z-score of the 99th percentile of the standard normal. */
const Z99 = 2.3263478740408408;

/** How normalization reaches the files a scenario names (an empirical distribution's `file:`, a trace). */
export interface ScenarioFiles {
  /** The path of `name` as written in the scenario (relative to the scenario's directory). */
  resolve(name: string): string;
  /** The text of the file at `path`; throws when it cannot be read. */
  read(path: string): string;
  /** Why `path` is not a readable file (`no such file`, …), or undefined when it is; absent = files cannot be checked here. */
  problem?(path: string): string | undefined;
}


/** Receives a warning about a scenario that is valid but probably not what was meant. */
export type ScenarioWarning = (message: string) => void;

/** Keys that only a trace replay takes. */
const TRACE_KEYS = ['file', 'format', 'speed', 'loop', 'attributes'];

/** Milliseconds per unit of an empirical distribution's bare numbers. */
const SAMPLE_UNIT_MS: Record<string, number> = { s: 1000, ms: 1, us: 0.001 };

/**
 * The unit a list of bare numbers read as ms probably is in, when it does not look like ms:
 * seconds when the median is under 0.5 and every value under 600 with a decimal point (nginx's
 * `$request_time` and `$upstream_response_time` print seconds with 3 decimals: "0.012"),
 * microseconds when the median is at least 100,000.
 */
export function likelyUnit(values: readonly number[]): 's' | 'us' | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  if (median < 0.5 && sorted[sorted.length - 1]! < 600 && values.some((v) => !Number.isInteger(v))) return 's';
  if (median >= 100_000) return 'us';
  return undefined;
}

/** No files: every `file:` is reported as unreadable (the browser playground). */
export const NO_FILES: ScenarioFiles = {
  resolve: (name) => name,
  read: (path) => {
    throw new Error(`no files are read here (${path} is not available)`);
  },
};

/** Why a file could not be read, in words (the reader's message, or the system error's code). */
function readFailure(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  if (code === 'ENOENT') return 'no such file';
  if (typeof code === 'string') return `cannot read (${code})`;
  return e instanceof Error ? e.message : String(e);
}

/** Normalizes a validated distribution; `at` is its path for errors, `files` reads `file:`. */
function normDist(raw: any, at: (string | number)[], file: string, files: ScenarioFiles, problems: InputProblem[], warn?: ScenarioWarning): Distribution {
  const p = (message: string, sub?: string) => problems.push({ path: formatPath([...at, ...(sub ? [sub] : [])]), message });
  switch (raw.dist) {
    case 'constant':
      return { dist: 'constant', value: raw.value };
    case 'exponential':
      return { dist: 'exponential', mean: raw.mean };
    case 'uniform':
      if (!(raw.max > raw.min)) p(`expected max > min (min ${raw.min} ms, max ${raw.max} ms)`, 'max');
      return { dist: 'uniform', min: raw.min, max: raw.max };
    case 'lognormal': {
      if (raw.median !== undefined && raw.p99 !== undefined && raw.mu === undefined && raw.sigma === undefined) {
        if (!(raw.p99 > raw.median)) p('expected p99 > median', 'p99');
        return { dist: 'lognormal', mu: ln(raw.median), sigma: ln(raw.p99 / raw.median) / Z99, median: raw.median, p99: raw.p99 };
      }
      if (raw.mu !== undefined && raw.sigma !== undefined && raw.median === undefined && raw.p99 === undefined) {
        return { dist: 'lognormal', mu: raw.mu, sigma: raw.sigma };
      }
      p('expected either median and p99, or mu and sigma (of ln ms)');
      return { dist: 'lognormal', mu: 0, sigma: 1 };
    }
    case 'pareto': {
      if ((raw.scale === undefined) === (raw.mean === undefined)) {
        p('expected exactly one of scale (xm) or mean, with shape');
        return { dist: 'pareto', scale: 1, shape: raw.shape };
      }
      if (raw.mean !== undefined) {
        if (!(raw.shape > 1)) p('a pareto given by its mean needs shape > 1 (the mean is infinite otherwise)', 'shape');
        return { dist: 'pareto', scale: (raw.mean * (raw.shape - 1)) / raw.shape, shape: raw.shape, mean: raw.mean };
      }
      return { dist: 'pareto', scale: raw.scale, shape: raw.shape };
    }
    case 'gamma': {
      if ((raw.scale === undefined) === (raw.mean === undefined)) {
        p('expected exactly one of scale or mean, with shape');
        return { dist: 'gamma', shape: raw.shape, scale: 1 };
      }
      return raw.scale !== undefined ? { dist: 'gamma', shape: raw.shape, scale: raw.scale } : { dist: 'gamma', shape: raw.shape, scale: raw.mean / raw.shape, mean: raw.mean };
    }
    case 'empirical': {
      if ((raw.samples === undefined) === (raw.file === undefined)) {
        p('expected exactly one of samples (a list of durations) or file (a path to a list of ms values)');
        return { dist: 'empirical', samples: [1] };
      }
      const scale = SAMPLE_UNIT_MS[raw.unit ?? 'ms']!;
      if (raw.samples) {
        const samples: number[] = [];
        (raw.samples as (number | string)[]).forEach((v, k) => {
          const ms = typeof v === 'number' ? v * scale : parseDuration(v);
          if (!(Number.isFinite(ms) && ms >= 0)) p(`expected a non-negative number (in ${raw.unit ?? 'ms'}) or a duration like 5ms, got ${JSON.stringify(v)}`, `samples[${k}]`);
          samples.push(ms);
        });
        if (raw.unit === undefined) {
          const likely = likelyUnit((raw.samples as (number | string)[]).filter((v): v is number => typeof v === 'number'));
          if (likely) warn?.(`${file}: ${formatPath([...at, 'samples'])}: the numbers are read as ms but look like ${likely === 's' ? 'seconds' : 'microseconds'}; add unit: ${likely} if they are`);
        }
        return { dist: 'empirical', samples };
      }
      const path = files.resolve(raw.file);
      let text: string;
      try {
        text = files.read(path);
      } catch (e) {
        p(`cannot read samples file ${path}: ${readFailure(e)}`, 'file');
        return { dist: 'empirical', samples: [1] };
      }
      const samples = text
        .split(/[\s,]+/)
        .filter((s) => s !== '')
        .map(Number);
      const bad = samples.findIndex((x) => !(Number.isFinite(x) && x >= 0));
      if (samples.length === 0 || bad >= 0) {
        p(`samples file ${path} must hold non-negative numbers (${raw.unit ?? 'ms'}) separated by commas or white space${bad >= 0 ? `; item ${bad + 1} is not` : ''}`, 'file');
        return { dist: 'empirical', samples: [1] };
      }
      if (raw.unit === undefined) {
        const likely = likelyUnit(samples);
        if (likely) {
          warn?.(`${file}: ${formatPath([...at, 'file'])}: the values in ${path} are read as ms but look like ${likely === 's' ? 'seconds' : 'microseconds'} (median ${[...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)]}); add unit: ${likely} if they are`);
        }
      }
      return { dist: 'empirical', samples: scale === 1 ? samples : samples.map((x) => x * scale) };
    }
    case 'mixture':
      return {
        dist: 'mixture',
        parts: raw.parts.map((part: any, k: number) => ({
          weight: part.weight,
          of: normDist(part.of, [...at, 'parts', k, 'of'], file, files, problems, warn),
        })),
      };
    default:
      p(`unknown distribution ${JSON.stringify(raw.dist)}`);
      return { dist: 'constant', value: 0 };
  }
}

/** Expands the `strategies` key into choices, validating names and options against the registry. */
function normStrategies(raw: RawScenario['strategies'], problems: InputProblem[]): StrategyChoice[] {
  if (raw === 'all') {
    return strategyNames().map((name) => ({ name, label: name, options: optionsOf(name, {}, [], problems) }));
  }
  const out: StrategyChoice[] = [];
  const labels = new Set<string>();
  raw.forEach((item, k) => {
    const name = typeof item === 'string' ? item : item.name;
    const label = typeof item === 'string' ? item : (item.label ?? item.name);
    const opts = typeof item === 'string' ? {} : item.options;
    const at = typeof item === 'string' ? `strategies[${k}]` : `strategies[${k}].name`;
    if (!findStrategy(name)) {
      const near = suggestStrategy(name);
      problems.push({ path: at, message: `unknown strategy "${name}"${near ? `; did you mean ${near}?` : ''} (known: ${strategyNames().join(', ')})` });
      return;
    }
    if (labels.has(label)) {
      problems.push({ path: `strategies[${k}]`, message: `label "${label}" is used twice; give variants distinct labels` });
      return;
    }
    labels.add(label);
    out.push({ name, label, options: optionsOf(name, opts, ['strategies', k, 'options'], problems) });
  });
  return out;
}

function optionsOf(name: string, opts: unknown, at: (string | number)[], problems: InputProblem[]): Record<string, unknown> {
  const def = findStrategy(name)!;
  const r = def.options.safeParse(opts, { reportInput: true });
  if (!r.success) {
    problems.push(...zodProblems(r.error.issues, at));
    return {};
  }
  const out = r.data as Record<string, unknown>;
  // sticky wraps another strategy: its name and options are checked here, not when the run builds it.
  if (name === 'sticky' && typeof out.inner === 'string') {
    if (!findStrategy(out.inner)) {
      problems.push({ path: formatPath([...at, 'inner']), message: `unknown strategy "${out.inner}"; known: ${strategyNames().join(', ')}` });
    } else {
      optionsOf(out.inner, out.innerOptions ?? {}, [...at, 'innerOptions'], problems);
    }
  }
  return out;
}

/** A group's `address` or `hostname` (one string, or a list of `count`) as one value per backend. */
function normAddresses(raw: string | string[], count: number, k: number, problems: InputProblem[], field: 'address' | 'hostname' = 'address'): string[] {
  const plural = field === 'address' ? 'addresses' : 'hostnames';
  if (typeof raw === 'string') {
    if (count !== 1) problems.push({ path: `backends[${k}].${field}`, message: `one ${field} for ${count} backends; give a list of ${count} ${plural}` });
    return [raw];
  }
  if (raw.length !== count) problems.push({ path: `backends[${k}].${field}`, message: `expected ${count} ${plural} (one per backend of the group), got ${raw.length}` });
  return raw;
}

/** Normalizes the `faults` list: targets expanded to backend ids, per-kind keys checked. */
function normFaults(raw: NonNullable<RawScenario['faults']>, groups: Scenario['backends'], scaled: number, problems: InputProblem[]): Fault[] {
  const ids = backendIds(groups, scaled);
  const out: Fault[] = [];
  raw.forEach((f, k) => {
    const at = `faults[${k}]`;
    const keys = FAULT_KEYS[f.kind]!;
    const rec = f as unknown as Record<string, unknown>;
    for (const key of keys.need) {
      if (rec[key] === undefined) problems.push({ path: `${at}.${key}`, message: `is required for a ${f.kind} fault` });
    }
    for (const key of FAULT_EXTRA) {
      if (rec[key] !== undefined && !keys.need.includes(key) && !keys.allow.includes(key)) {
        problems.push({ path: `${at}.${key}`, message: `does not apply to a ${f.kind} fault` });
      }
    }
    if ((f.mtbf === undefined) !== (f.mttr === undefined)) {
      problems.push({ path: `${at}.${f.mtbf === undefined ? 'mtbf' : 'mttr'}`, message: 'mtbf and mttr go together (random up and down times)' });
    }
    if (f.kind === 'pause' && f.every !== undefined && f.length !== undefined && !(f.length < f.every)) {
      problems.push({ path: `${at}.length`, message: `expected a pause shorter than its period (every ${f.every} ms)` });
    }
    const single = !Array.isArray(f.backends);
    const names = Array.isArray(f.backends) ? f.backends : [f.backends];
    const backends: string[] = [];
    names.forEach((name, j) => {
      const path = single ? `${at}.backends` : `${at}.backends[${j}]`;
      let hits: string[];
      if (typeof name !== 'string') {
        // every backend of a zone or of a failover tier
        const zone = 'zone' in name ? name.zone : undefined;
        const prio = 'priority' in name ? name.priority : undefined;
        hits = ids.filter((b) => (zone !== undefined ? groups[b.group]!.zone === zone : (groups[b.group]!.priority ?? 0) === prio)).map((b) => b.id);
        if (hits.length === 0) {
          const known = zone !== undefined ? zonesOf(groups) : [...new Set(groups.map((g) => g.priority ?? 0))].sort((x, y) => x - y);
          problems.push({
            path: `${path}.${zone !== undefined ? 'zone' : 'priority'}`,
            message:
              zone !== undefined
                ? `no backend has zone "${zone}"; ${known.length > 0 ? `zones are ${known.join(', ')}` : 'no backend has a zone'}`
                : `no backend has priority ${prio}; priorities are ${known.join(', ')}`,
          });
        }
      } else {
        const gi = groups.findIndex((g) => g.name === name);
        hits = gi >= 0 ? ids.filter((b) => b.group === gi).map((b) => b.id) : ids.filter((b) => b.id === name).map((b) => b.id);
        if (hits.length === 0) {
          problems.push({
            path,
            message: `unknown backend or group "${name}"; backends are ${ids.slice(0, 8).map((b) => b.id).join(', ')}${ids.length > 8 ? ', …' : ''}`,
          });
        }
      }
      for (const id of hits) if (!backends.includes(id)) backends.push(id);
    });
    const base = { backends, atMs: f.at, durationMs: f.duration ?? null };
    switch (f.kind) {
      case 'crash':
      case 'hang':
        out.push({ kind: f.kind, ...base, mtbfMs: f.mtbf ?? null, mttrMs: f.mttr ?? null });
        break;
      case 'slow':
        out.push({ kind: 'slow', ...base, factor: f.factor ?? 1 });
        break;
      case 'errors':
        out.push({ kind: 'errors', ...base, fraction: f.fraction ?? 1, status: f.status ?? 500, latency: f.latency ?? 0.1 });
        break;
      case 'pause':
        out.push({ kind: 'pause', ...base, everyMs: f.every ?? 1, lengthMs: f.length ?? 0 });
        break;
      case 'flap':
        out.push({ kind: 'flap', ...base, upMs: f.up ?? 1, downMs: f.down ?? 1 });
        break;
    }
  });
  return out;
}

/** Normalizes `autoscale`: the group by name (or the only group), bounds checked against its count. */
function normAutoscale(raw: NonNullable<RawScenario['autoscale']>, groups: Scenario['backends'], problems: InputProblem[]): AutoscaleSettings {
  let group = 0;
  if (raw.group !== undefined) {
    group = groups.findIndex((g) => g.name === raw.group);
    if (group < 0) {
      problems.push({ path: 'autoscale.group', message: `no backend group is named "${raw.group}"` });
      group = 0;
    }
  } else if (groups.length > 1) {
    problems.push({ path: 'autoscale.group', message: 'is required when there are several backend groups (name the group to scale)' });
  }
  const count = groups[group]?.count ?? 1;
  if (raw.min > raw.max) problems.push({ path: 'autoscale.min', message: `expected min ≤ max (${raw.max})` });
  else if (count < raw.min || count > raw.max) {
    problems.push({ path: `backends[${group}].count`, message: `the scaled group starts with ${count} backends, outside autoscale min ${raw.min} … max ${raw.max}` });
  }
  return {
    group,
    min: raw.min,
    max: raw.max,
    target: raw.target,
    windowMs: raw.window,
    intervalMs: raw.interval,
    cooldownMs: raw.cooldown,
    provisioningDelayMs: raw.provisioningDelay,
    tolerance: raw.tolerance,
  };
}

/** The normalized SLO: latency targets in ms, availability in percent; only the keys given. */
function normSlo(raw: NonNullable<RawScenario['slo']>): Slo {
  const out: Slo = {};
  if (raw.p99 !== undefined) out.p99Ms = raw.p99;
  if (raw.p999 !== undefined) out.p999Ms = raw.p999;
  if (raw.availability !== undefined) out.availability = raw.availability;
  return out;
}

/**
 * The label of the strategy `ref` names among `choices`: a label first, else a registry name used by
 * exactly one choice (`p2c` when the only p2c is labelled `p2c-d3`); null when none or ambiguous.
 */
export function resolveStrategyRef(ref: string, choices: readonly StrategyChoice[]): string | null {
  const byLabel = choices.find((s) => s.label === ref);
  if (byLabel) return byLabel.label;
  const byName = choices.filter((s) => s.name === ref);
  return byName.length === 1 ? byName[0]!.label : null;
}

/**
 * `clients.load`: sets the arrival rate to load × the fleet's capacity (`capacity.ts`). A load of 1
 * or more makes queues grow without bound unless something refuses the excess, so it is accepted
 * only when every group bounds its waiting requests (`queueLimit`, or `maxConn` so the balancer
 * queues or refuses) or the balancer rate-limits.
 */
function applyLoad(scenario: Scenario, load: number, problems: InputProblem[]): void {
  const p = scenario.clients.process;
  if (p.arrival !== 'poisson' && p.arrival !== 'constant') return;
  const capacity = fleetCapacity(scenario.backends, meanClassFactor(scenario.clients.classes), scenario.autoscale);
  if (!(capacity > 0 && Number.isFinite(capacity))) {
    problems.push({ path: 'clients.load', message: 'the fleet has no finite capacity to take a fraction of (a service time of 0 or an infinite mean); give clients.rate instead' });
    return;
  }
  const bounded =
    scenario.balancer.rateLimit !== false || scenario.backends.every((g) => g.queueLimit !== null || g.maxConn > 0);
  if (load >= 1 && !bounded) {
    problems.push({
      path: 'clients.load',
      message: `a load of ${load} (≥ 1) makes queues grow without bound: give every backend group a queueLimit (or maxConn), or a balancer rateLimit, or a load below 1`,
    });
    return;
  }
  scenario.clients.process = { arrival: p.arrival, rate: load * capacity };
  scenario.clients.load = load;
}

/**
 * Validates and normalizes an already-parsed scenario value (`parseScenario` in `document.ts` is
 * this with the files read from disk).
 * @param value parsed YAML/JSON
 * @param file the file name used in error messages
 * @param files reads the files the scenario names (default: none)
 * @param warn receives warnings (e.g. an empirical file whose values look like seconds read as ms)
 * @throws InputError naming the file and every faulty field
 */
export function normalizeScenario(value: unknown, file: string, files: ScenarioFiles = NO_FILES, warn?: ScenarioWarning): Scenario {
  const raw = parseOrThrow(scenarioSchema, value, file);
  const problems: InputProblem[] = [];
  const c = raw.clients;
  let process: Scenario['clients']['process'];
  const need = (key: string, v: unknown) => {
    if (v === undefined) problems.push({ path: `clients.${key}`, message: `is required for arrival "${c.arrival}"` });
  };
  const forbid = (keys: string[]) => {
    for (const key of keys) {
      if ((c as Record<string, unknown>)[key] !== undefined) {
        problems.push({ path: `clients.${key}`, message: `does not apply to arrival "${c.arrival}"` });
      }
    }
  };
  switch (c.arrival) {
    case 'poisson':
    case 'constant':
      if (c.load === undefined) need('rate', c.rate);
      else if (c.rate !== undefined) problems.push({ path: 'clients.load', message: 'give either rate or load (a fraction of the capacity), not both' });
      forbid(['burstRate', 'on', 'off', 'schedule', 'users', 'think', ...TRACE_KEYS]);
      process = { arrival: c.arrival, rate: c.rate ?? 1 };
      break;
    case 'bursty':
      forbid(['load']);
      need('rate', c.rate);
      need('burstRate', c.burstRate);
      need('on', c.on);
      need('off', c.off);
      forbid(['schedule', 'users', 'think', ...TRACE_KEYS]);
      process = { arrival: 'bursty', rate: c.rate ?? 1, burstRate: c.burstRate ?? 1, onMs: c.on ?? 1, offMs: c.off ?? 1 };
      break;
    case 'schedule': {
      need('schedule', c.schedule);
      forbid(['rate', 'load', 'burstRate', 'on', 'off', 'users', 'think', ...TRACE_KEYS]);
      const steps = (c.schedule ?? [{ at: 0, rate: 1, ramp: false }]).map((s) => ({ atMs: s.at, rate: s.rate, ramp: s.ramp }));
      steps.forEach((s, k) => {
        if (k > 0 && s.atMs <= steps[k - 1]!.atMs) {
          problems.push({ path: `clients.schedule[${k}].at`, message: 'expected times in increasing order' });
        }
      });
      if (steps.every((s) => s.rate === 0)) problems.push({ path: 'clients.schedule', message: 'expected at least one step with rate > 0' });
      process = { arrival: 'schedule', steps };
      break;
    }
    case 'closed':
      need('users', c.users);
      need('think', c.think);
      forbid(['rate', 'load', 'burstRate', 'on', 'off', 'schedule', ...TRACE_KEYS]);
      process = {
        arrival: 'closed',
        users: c.users ?? 1,
        think: c.think ? normDist(c.think, ['clients', 'think'], file, files, problems, warn) : { dist: 'constant', value: 0 },
      };
      break;
    case 'trace': {
      need('file', c.file);
      need('format', c.format);
      forbid(['rate', 'load', 'burstRate', 'on', 'off', 'schedule', 'users', 'think']);
      const path = c.file !== undefined ? files.resolve(c.file) : '';
      if (c.file !== undefined) {
        const why = files.problem ? files.problem(path) : 'trace files cannot be read here';
        if (why !== undefined) problems.push({ path: 'clients.file', message: `${path}: ${why}` });
      }
      if (c.format !== undefined) {
        try {
          logFormatFromSpec(c.format);
        } catch (e) {
          if (!(e instanceof InputError)) throw e;
          problems.push({ path: 'clients.format', message: e.problems.map((q) => q.message).join('; ') });
        }
      }
      process = { arrival: 'trace', file: path, format: c.format ?? '', speed: c.speed ?? 1, loop: c.loop ?? false, attributes: c.attributes ?? [] };
      break;
    }
  }
  const classes = c.classes ?? [{ name: 'default', share: 1, serviceFactor: 1 }];
  const totalShare = classes.reduce((s, k) => s + k.share, 0);

  // passive … queue arrive normalized from the core's settings schema; the rest is the simulator's.
  const { retries, retryOn, timeout, network, overhead, healthCheck, retryBudget, hedge, ...settings } = raw.balancer;
  const scenario: Scenario = {
    name: raw.name,
    description: raw.description,
    seed: raw.seed,
    durationMs: raw.duration,
    warmupMs: raw.warmup ?? Math.min(raw.duration * 0.1, 10_000),
    replications: raw.replications,
    intervalMs: raw.interval ?? Math.max(100, raw.duration / 60),
    clients: {
      process,
      addresses: c.addresses,
      keys: c.keys,
      sessions: c.sessions,
      classes: classes.map((k) => ({ name: k.name, share: k.share / totalShare, serviceFactor: k.serviceFactor })),
    },
    backends: raw.backends.map((g, k) => ({
      name: g.name ?? null,
      count: g.count,
      weight: g.weight,
      workers: g.workers,
      discipline: g.discipline,
      queueLimit: g.queueLimit,
      speed: g.speed,
      service: normDist(g.service, ['backends', k, 'service'], file, files, problems, warn),
      maxConn: g.maxConn,
      ...(g.priority !== undefined ? { priority: g.priority } : {}),
      ...(g.degraded === true ? { degraded: true } : {}),
      ...(g.zone !== undefined ? { zone: g.zone } : {}),
      ...(g.cache ? { cache: { size: g.cache.size, hitFactor: g.cache.hitFactor } } : {}),
      ...(g.address !== undefined ? { addresses: normAddresses(g.address, g.count, k, problems) } : {}),
      ...(g.hostname !== undefined ? { hostnames: normAddresses(g.hostname, g.count, k, problems, 'hostname') } : {}),
    })),
    balancer: {
      ...settings,
      retries,
      ...(retryOn !== undefined ? { retryOn: [...new Set(retryOn)] } : {}),
      timeoutMs: timeout,
      network: network ? normDist(network, ['balancer', 'network'], file, files, problems, warn) : { dist: 'constant', value: 0 },
      overheadMs: overhead,
      ...(healthCheck ? { healthCheck } : {}),
      ...(retryBudget !== undefined ? { retryBudget: typeof retryBudget === 'number' ? { ratio: retryBudget, burst: 10 } : retryBudget } : {}),
      ...(hedge ? { hedge: { delayMs: hedge.delay } } : {}),
    },
    strategies: normStrategies(raw.strategies, problems),
  };
  // the autoscaled group keeps numbered ids (backend-ids.ts)
  const scaled = raw.autoscale === undefined ? -1 : raw.autoscale.group === undefined ? 0 : scenario.backends.findIndex((g) => g.name === raw.autoscale!.group);
  if (raw.faults !== undefined) scenario.faults = normFaults(raw.faults, scenario.backends, scaled, problems);
  if (raw.autoscale !== undefined) scenario.autoscale = normAutoscale(raw.autoscale, scenario.backends, problems);
  normPlacement(raw, scenario, problems);
  if (raw.imported !== undefined) scenario.imported = normImported(raw.imported);
  if (raw.observed !== undefined) {
    const o = raw.observed;
    scenario.observed = {
      source: o.source,
      what: o.what,
      p50Ms: o.p50,
      p90Ms: o.p90,
      p99Ms: o.p99,
      shares: o.shares,
      ...(o.strategy !== undefined ? { strategy: o.strategy } : {}),
      ...(o.verdict !== undefined ? { verdict: o.verdict } : {}),
    };
  }
  if (c.load !== undefined && (c.arrival === 'poisson' || c.arrival === 'constant')) applyLoad(scenario, c.load, problems);
  if (raw.slo !== undefined) scenario.slo = normSlo(raw.slo);
  if (raw.baseline !== undefined) {
    const b = resolveStrategyRef(raw.baseline, scenario.strategies);
    if (b === null) {
      if (scenario.strategies.length > 0)
        problems.push({
          path: 'baseline',
          message: `"${raw.baseline}" is not among the strategies (${scenario.strategies.map((s) => s.label).join(', ')}); add it to strategies or name one of them`,
        });
    } else scenario.baseline = b;
  }
  if (raw.proxy !== undefined) scenario.proxy = raw.proxy;
  const names = new Set<string>();
  scenario.backends.forEach((g, k) => {
    if (g.name !== null) {
      if (names.has(g.name)) problems.push({ path: `backends[${k}].name`, message: `name "${g.name}" is used by another group` });
      names.add(g.name);
    }
  });
  // A one-server group is named by its name alone, so "web-1" (one server) and "web" (two) would
  // clash; so would "b3" and the unnamed backend at position 3. Numbered ids never clash with each
  // other (the part after the last "-" is the index). Checked from the counts, without listing every
  // backend (the backend limit is checked later).
  const numbered = new Map<string, { group: number; count: number }>();
  const starts: number[] = []; // each group's first fleet position
  let position = 0;
  scenario.backends.forEach((g, gi) => {
    if (g.name !== null && (g.count !== 1 || gi === scaled)) numbered.set(g.name, { group: gi, count: g.count });
    starts.push(position);
    position += g.count;
  });
  /** The unnamed group holding fleet position `i`, if any. */
  const unnamedAt = (i: number): number | undefined => {
    const gi = scenario.backends.findIndex((g, k) => i >= starts[k]! && i < starts[k]! + g.count);
    return gi >= 0 && scenario.backends[gi]!.name === null ? gi : undefined;
  };
  scenario.backends.forEach((g, gi) => {
    if (g.name === null || g.count !== 1 || gi === scaled) return;
    let other: number | undefined;
    const m = /^(.*)-(0|[1-9]\d*)$/.exec(g.name);
    const owner = m ? numbered.get(m[1]!) : undefined;
    if (owner && Number(m![2]) < owner.count) other = owner.group;
    const b = /^b(0|[1-9]\d*)$/.exec(g.name);
    if (other === undefined && b) other = unnamedAt(Number(b[1]));
    if (other !== undefined) {
      const [first, second] = other < gi ? [other, gi] : [gi, other];
      problems.push({ path: `backends[${second}].name`, message: `backend id "${g.name}" is also an id of backends[${first}]; rename one of the groups` });
    }
  });
  checkTiers(scenario, raw.strategies === 'all', problems);
  checkHostnames(scenario, file, problems, warn);
  for (const z of zoneProblems(scenario.backends.map((g) => g.zone), scenario.balancer.zones)) problems.push({ path: `balancer.zones.${z.path}`, message: z.message });
  if (problems.length > 0) throw new InputError(file, problems);
  return scenario;
}

/** True when a strategy choice (or the strategy `sticky` wraps) hashes host names: `useHostnameForHashing: true`. */
function hashesHostnames(options: Record<string, unknown>): boolean {
  if (options.useHostnameForHashing === true) return true;
  const inner = options.innerOptions;
  return typeof inner === 'object' && inner !== null && (inner as Record<string, unknown>).useHostnameForHashing === true;
}

/**
 * Host names (`backends[].hostname`) and the strategies that hash them (Envoy's
 * `use_hostname_for_hashing`, flavor envoy of consistent-hash, maglev and bounded-load): a
 * strategy that hashes host names needs one on every backend (an error naming the group's
 * `hostname`), and host names no strategy hashes are reported as a warning (they change nothing).
 */
function checkHostnames(scenario: Scenario, file: string, problems: InputProblem[], warn: ScenarioWarning | undefined): void {
  const users = scenario.strategies.filter((s) => hashesHostnames(s.options));
  if (users.length > 0) {
    scenario.backends.forEach((g, k) => {
      if (g.hostnames === undefined) {
        problems.push({
          path: `backends[${k}].hostname`,
          message: `strategy "${users[0]!.label}" hashes host names (useHostnameForHashing: true): give this group's hostname (one per backend)`,
        });
      }
    });
    return;
  }
  scenario.backends.forEach((g, k) => {
    if (g.hostnames !== undefined) {
      warn?.(
        `${file}: backends[${k}].hostname: no strategy here hashes host names (only flavor envoy of consistent-hash, maglev and bounded-load with useHostnameForHashing: true); it changes nothing`,
      );
    }
  });
}

/**
 * Failover tiers across keys (`src/core/balancer/tier-checks.ts`): priorities without a gap, two
 * tiers for nginx and HAProxy, nginx's refusal of `backup` with `hash`, `ip_hash` and `random`.
 */
function checkTiers(s: Scenario, all: boolean, problems: InputProblem[]): void {
  const prio = s.backends.map((g) => g.priority ?? 0);
  const mode = s.balancer.failover === false ? false : s.balancer.failover?.mode;
  for (const p of tierProblems(prio, mode)) problems.push({ path: `backends[${p.backend}].priority`, message: p.message });
  for (const k of degradedProblems(s.backends.map((g) => g.degraded === true), mode)) {
    problems.push({ path: `backends[${k}].degraded`, message: degradedMessage(mode) });
  }
  if (mode !== 'nginx' || Math.max(...prio) === 0) return;
  if (all) {
    const refused = s.strategies.filter((c) => NGINX_NO_BACKUP[c.name] !== undefined).map((c) => c.name);
    problems.push({ path: 'strategies', message: `"all" includes ${refused.join(', ')}, which nginx refuses with backup servers; list the strategies to compare` });
    return;
  }
  s.strategies.forEach((c, j) => {
    for (const p of tierProblems(prio, mode, c.name)) if (p.backend < 0) problems.push({ path: `strategies[${j}]`, message: p.message });
  });
}
