/**
 * The scenario in plain words for the page header: clients, backends, service-time distribution,
 * load factor, duration, seed, replications. Figures come from `summary` (always present); the
 * descriptive parts are read defensively from the normalized `scenario` object, whose exact shape
 * belongs to the simulator, trying the usual key names and leaving out what it cannot find.
 */
import type { ResultsFile, SweepPoint } from './types.js';
import { liveCheckLabel, liveCheckOf } from './live-check.js';

type Obj = Record<string, unknown>;

function isObj(x: unknown): x is Obj {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function num(...xs: unknown[]): number | undefined {
  for (const x of xs) if (typeof x === 'number' && Number.isFinite(x)) return x;
  return undefined;
}

function str(...xs: unknown[]): string | undefined {
  for (const x of xs) if (typeof x === 'string' && x.trim() !== '') return x;
  return undefined;
}

/** A number in plain form: integers as is, others with up to 3 significant decimals. */
function plain(n: number | string | boolean): string {
  if (typeof n !== 'number') return String(n);
  return Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(3)));
}

/** e.g. `{dist: 'lognormal', mean: 40, sigma: 1}` → `lognormal, mean 40 ms, sigma 1`. */
export function describeService(s: unknown): string | undefined {
  if (typeof s === 'string') return s;
  if (typeof s === 'number') return `mean ${plain(s)} ms`;
  if (!isObj(s)) return undefined;
  const kind = str(s['dist'], s['distribution'], s['type'], s['kind'], s['name']);
  const parts: string[] = [];
  if (kind) parts.push(kind);
  // the user's own terms where the scenario kept them: a lognormal's median and p99 rather than
  // mu and sigma, a gamma's or pareto's mean rather than its scale
  const skip = ['dist', 'distribution', 'type', 'kind', 'name'];
  if (typeof s['median'] === 'number' && typeof s['p99'] === 'number') skip.push('mu', 'sigma');
  if (typeof s['mean'] === 'number' && kind !== 'exponential') skip.push('scale');
  for (const [k, v] of Object.entries(s)) {
    if (skip.includes(k)) continue;
    if (typeof v === 'number') {
      const ms = /ms$/i.test(k) || ['mean', 'min', 'max', 'median', 'p99', 'value', 'scale'].includes(k);
      parts.push(`${k.replace(/Ms$/, '')} ${plain(v)}${ms ? ' ms' : ''}`);
    } else if (typeof v === 'string') parts.push(`${k} ${v}`);
  }
  return parts.length > 0 ? parts.join(', ') : undefined;
}

function describeClients(sc: Obj, offeredRate: number): string {
  const c = sc['clients'];
  const groups: Obj[] = Array.isArray(c) ? c.filter(isObj) : isObj(c) ? [c] : [];
  let count = typeof c === 'number' ? c : undefined;
  let arrival: string | undefined;
  for (const g of groups) {
    // lbsim's normalized scenario keeps the arrival process under `clients.process`.
    const p: Obj = isObj(g['process']) ? g['process'] : {};
    const n = num(g['count'], g['n'], g['clients'], g['concurrency'], g['connections'], p['users']);
    if (n !== undefined) count = (count ?? 0) + n;
    arrival ??= str(p['arrival'], g['arrival'], g['process'], g['pattern'], g['type']);
  }
  arrival ??= str(sc['arrival']);
  const parts: string[] = [];
  if (count !== undefined) parts.push(`${plain(count)} client${count === 1 ? '' : 's'}`);
  if (arrival) parts.push(`${arrival} arrivals`);
  parts.push(`${plain(offeredRate)} req/s offered`);
  return parts.join(', ');
}

function describeBackends(sc: Obj, file: ResultsFile): { backends: string; service: string | undefined } {
  const b = sc['backends'];
  const groups: Obj[] = Array.isArray(b) ? b.filter(isObj) : [];
  const fallbackCount = file.results[0]?.backends.length ?? file.sweep?.points[0]?.results[0]?.backends.length;
  const topService = describeService(sc['service'] ?? sc['serviceTime']);
  if (groups.length === 0) {
    const n = typeof b === 'number' ? b : fallbackCount;
    return { backends: n === undefined ? 'backends not stated' : `${n} backend${n === 1 ? '' : 's'}`, service: topService };
  }
  const described = groups.map((g) => {
    const count = num(g['count'], g['n'], g['replicas']) ?? 1;
    const workers = num(g['workers'], g['concurrency'], g['slots']);
    const weight = num(g['weight']);
    const speed = num(g['speed']);
    const name = str(g['id'], g['name'], g['group']);
    const bits: string[] = [];
    if (workers !== undefined) bits.push(`${plain(workers)} worker${workers === 1 ? '' : 's'}`);
    if (weight !== undefined && weight !== 1) bits.push(`weight ${plain(weight)}`);
    if (speed !== undefined && speed !== 1) bits.push(`speed ×${plain(speed)}`);
    return { count, name, bits, service: describeService(g['service'] ?? g['serviceTime']) ?? topService };
  });
  const total = described.reduce((a, g) => a + g.count, 0);
  const services = [...new Set(described.map((g) => g.service ?? ''))];
  // groups differing only by name read as one; groups that differ in speed, workers or weight are listed
  const sameBits = new Set(described.map((g) => g.bits.join(', '))).size === 1;
  if (described.length === 1 || (services.length === 1 && sameBits)) {
    const bits = [...new Set(described.flatMap((g) => g.bits))];
    const each = bits.length > 0 ? ` (${bits.join(', ')}${described.length === 1 && (described[0]?.count ?? 1) > 1 ? ' each' : ''})` : '';
    return { backends: `${total} backend${total === 1 ? '' : 's'}${described.length === 1 ? each : ''}`, service: services[0] || topService };
  }
  const list = described.map((g) => {
    const bits = [...g.bits, ...(g.service ? [g.service] : [])];
    return `${g.count} × ${g.name ?? 'backend'}${bits.length > 0 ? ` (${bits.join(', ')})` : ''}`;
  });
  return { backends: `${total} backends: ${list.join('; ')}`, service: 'per group, see backends' };
}

/**
 * Offered rate, capacity and load factor at sweep point `point`: a swept rate is the offered rate
 * itself; any other key (a backend count, a speed) leaves the offered rate and changes the capacity.
 */
function atPoint(file: ResultsFile, point: SweepPoint | undefined): { offeredRate: number; capacity: number; loadFactor: number } {
  const s = file.summary;
  if (!point || !file.sweep || !(point.load > 0)) return s;
  if (/(^|\.)rate$/.test(file.sweep.key)) return { offeredRate: point.value, capacity: point.value / point.load, loadFactor: point.load };
  return { offeredRate: s.offeredRate, capacity: s.offeredRate / point.load, loadFactor: point.load };
}

/** The header facts as label/value pairs, in reading order; for a sweep, at `point` (the one shown). */
export function describeScenario(file: ResultsFile, point?: SweepPoint): [string, string][] {
  const sc: Obj = isObj(file.scenario) ? file.scenario : {};
  const s = { ...file.summary, ...atPoint(file, point) };
  const { backends, service } = describeBackends(sc, file);
  const facts: [string, string][] = [];
  facts.push(['Mode', file.mode === 'live' ? 'measured live on real sockets' : 'simulated']);
  facts.push(['Clients', describeClients(sc, s.offeredRate)]);
  facts.push(['Backends', `${backends}; capacity ${plain(s.capacity)} req/s`]);
  facts.push(['Service time', service ?? 'not stated in the scenario']);
  facts.push([
    'Load factor',
    `${s.loadFactor.toFixed(2)} (${plain(s.offeredRate)} req/s offered ÷ ${plain(s.capacity)} req/s capacity)`,
  ]);
  const warm = num(sc['warmupMs'], sc['warmup']);
  facts.push(['Duration', `${plain(s.durationS)} s measured${warm !== undefined ? ` after ${plain(warm / 1000)} s warm-up` : ''}`]);
  facts.push(['Seed', String(s.seed)]);
  facts.push(['Replications', s.replications > 1 ? `${s.replications} (95 % CIs shown)` : '1 (no confidence intervals)']);
  if (file.sweep && file.sweep.points.length > 0) {
    const pts = [...file.sweep.points].sort((a, b) => a.load - b.load);
    const lo = pts[0];
    const hi = pts[pts.length - 1];
    const axes = file.sweep.axes ?? [];
    if (lo && hi && axes.length > 1)
      facts.push([
        'Grid',
        `${axes.map((a) => `${a.key} ∈ {${a.values.map(plain).join(', ')}}`).join(' × ')} (load ${lo.load.toFixed(2)}–${hi.load.toFixed(2)}, ${pts.length} points)`,
      ]);
    else if (lo && hi)
      facts.push([
        'Sweep',
        `${file.sweep.key} from ${plain(lo.value)} to ${plain(hi.value)} (load ${lo.load.toFixed(2)}–${hi.load.toFixed(2)}, ${pts.length} points)`,
      ]);
  }
  return facts;
}

/** A short name for the file selector: the scenario's name, else its position. */
export function fileLabel(file: ResultsFile, index: number): string {
  const sc: Obj = isObj(file.scenario) ? file.scenario : {};
  const name = str(sc['name'], sc['title'], sc['file']) ?? `results ${index + 1}`;
  // compare-live writes two files of one scenario: name the sides apart
  const check = liveCheckOf(file);
  if (check) return `${name} — ${liveCheckLabel(check)}`;
  if (file.mode === 'live') return `${name} — measured live`;
  if (!file.sweep) return name;
  const axes = file.sweep.axes ?? [];
  return axes.length > 1 ? `${name} (grid over ${axes.map((a) => a.key).join(' × ')})` : `${name} (sweep over ${file.sweep.key})`;
}

/** The scenario's own description, if it has one. */
export function scenarioDescription(file: ResultsFile): string | undefined {
  const sc: Obj = isObj(file.scenario) ? file.scenario : {};
  return str(sc['description'], sc['about'], sc['comment']);
}
