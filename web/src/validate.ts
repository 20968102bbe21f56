/**
 * A structural check of one embedded results file against `lbsim/results@1` (src/results/schema.ts).
 * The page shows the problems instead of drawing broken charts; the tests require the committed
 * fixtures to have none. Not a full schema validator: it checks what the charts rely on.
 */
import { RESULTS_SCHEMA } from './types.js';

const LATENCY_KEYS = ['mean', 'p50', 'p90', 'p99', 'p999', 'max'] as const;

function isObj(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function isNum(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

function isNumArray(x: unknown, nullable = false): x is number[] {
  return Array.isArray(x) && x.every((v) => isNum(v) || (nullable && v === null));
}

function checkStrategy(r: unknown, where: string, out: string[]): void {
  if (!isObj(r)) {
    out.push(`${where}: not an object`);
    return;
  }
  const w = `${where} (${String(r['strategy'])})`;
  if (typeof r['strategy'] !== 'string') out.push(`${where}: strategy is not a string`);
  const lat = r['latency'];
  if (!isObj(lat)) out.push(`${w}: latency missing`);
  else for (const k of LATENCY_KEYS) if (!isNum(lat[k])) out.push(`${w}: latency.${k} is not a number`);
  const ci = r['ci95'];
  if (!isObj(ci)) out.push(`${w}: ci95 missing`);
  else
    for (const k of ['mean', 'p99'])
      if (ci[k] !== null && !(isNumArray(ci[k]) && (ci[k] as number[]).length === 2))
        out.push(`${w}: ci95.${k} must be [low, high] or null`);
  const req = r['requests'];
  if (!isObj(req) || !isNum(req['completed']) || !isNum(req['failed']) || !isNum(req['rejected']))
    out.push(`${w}: requests.{completed,failed,rejected} must be numbers`);
  if (!isNum(r['throughput'])) out.push(`${w}: throughput is not a number`);
  if (!isNum(r['fairness'])) out.push(`${w}: fairness is not a number`);
  const backends = r['backends'];
  if (!Array.isArray(backends)) out.push(`${w}: backends is not an array`);
  else
    backends.forEach((b, i) => {
      if (!isObj(b) || typeof b['id'] !== 'string') out.push(`${w}: backends[${i}].id missing`);
      else
        for (const k of ['requests', 'share', 'idealShare', 'utilization', 'meanQueue'])
          if (!isNum(b[k])) out.push(`${w}: backends[${i}].${k} is not a number`);
    });
  const ts = r['timeseries'];
  if (!isObj(ts)) out.push(`${w}: timeseries missing`);
  else {
    const t = ts['t'];
    if (!isNumArray(t)) out.push(`${w}: timeseries.t is not a number array`);
    else {
      const n = t.length;
      for (const k of ['throughput'])
        if (!isNumArray(ts[k]) || (ts[k] as number[]).length !== n) out.push(`${w}: timeseries.${k} must have ${n} numbers`);
      for (const k of ['p50', 'p99'])
        if (!isNumArray(ts[k], true) || (ts[k] as unknown[]).length !== n)
          out.push(`${w}: timeseries.${k} must have ${n} numbers or nulls`);
      for (const k of ['utilization', 'inflight']) {
        const m = ts[k];
        const nb = Array.isArray(backends) ? backends.length : -1;
        if (!Array.isArray(m) || m.length !== nb || !m.every((row) => isNumArray(row) && row.length === n))
          out.push(`${w}: timeseries.${k} must be one row of ${n} numbers per backend`);
      }
      for (const k of ['balancerQueue', 'backends', 'healthy', 'up', 'errors']) {
        const q = ts[k];
        if (q !== undefined && (!isNumArray(q) || q.length !== n)) out.push(`${w}: timeseries.${k} must have ${n} numbers`);
      }
    }
  }
  checkFailureFields(r, w, out);
  const cdf = r['cdf'];
  if (!isObj(cdf) || !isNumArray(cdf['p']) || !isNumArray(cdf['x']) || cdf['p'].length !== cdf['x'].length)
    out.push(`${w}: cdf must have parallel number arrays p and x`);
}

const ERROR_KEYS = ['refused', 'timeout', 'http5xx', 'reset', 'rateLimited', 'unavailable'] as const;

/** The optional failure/elasticity fields (faults, health, retries, autoscaling), checked only when present. */
function checkFailureFields(r: Record<string, unknown>, w: string, out: string[]): void {
  for (const k of ['availability', 'retries', 'retriesDenied', 'hedges', 'lostInFailover'])
    if (r[k] !== undefined && !isNum(r[k])) out.push(`${w}: ${k} is not a number`);
  const e = r['errors'];
  if (e !== undefined && (!isObj(e) || !ERROR_KEYS.every((k) => isNum(e[k]))))
    out.push(`${w}: errors must have numbers ${ERROR_KEYS.join(', ')}`);
  const c = r['cache'];
  if (c !== undefined && (!isObj(c) || !isNum(c['hitRatio']) || !isNum(c['hits']) || !isNum(c['misses'])))
    out.push(`${w}: cache must have numbers hitRatio, hits, misses`);
  const d = r['detection'];
  if (d !== undefined) {
    const nullableNum = (x: unknown): boolean => x === null || isNum(x);
    if (
      !isObj(d) ||
      !isNum(d['faults']) ||
      !isNum(d['detected']) ||
      !['meanDetectMs', 'maxDetectMs', 'meanRecoverMs', 'maxRecoverMs'].every((k) => nullableNum(d[k])) ||
      !Array.isArray(d['events'])
    )
      out.push(`${w}: detection must have faults, detected, mean/max detect and recover ms (or null), events`);
    else if (
      !d['events'].every(
        (ev) => isObj(ev) && typeof ev['backend'] === 'string' && typeof ev['kind'] === 'string' && isNum(ev['start']) && nullableNum(ev['end']),
      )
    )
      out.push(`${w}: detection.events must have backend, kind, start and end (or null)`);
  }
  const a = r['autoscale'];
  if (a !== undefined && (!isObj(a) || !['scaleOuts', 'scaleIns', 'minBackends', 'maxBackends', 'meanBackends'].every((k) => isNum(a[k]))))
    out.push(`${w}: autoscale must have numbers scaleOuts, scaleIns, minBackends, maxBackends, meanBackends`);
  const t = r['traffic'];
  if (t !== undefined) checkTraffic(t, w, out);
  const backends = r['backends'];
  if (Array.isArray(backends))
    backends.forEach((b, i) => {
      if (isObj(b) && b['cacheHitRatio'] !== undefined && !isNum(b['cacheHitRatio']))
        out.push(`${w}: backends[${i}].cacheHitRatio is not a number`);
    });
}

/** The optional traffic placement (tiers, zones, degraded hosts): shares, series, client zones, cross-zone figures, episodes. */
function checkTraffic(t: unknown, w: string, out: string[]): void {
  if (!isObj(t) || !Array.isArray(t['episodes'])) {
    out.push(`${w}: traffic must be an object with a list of episodes`);
    return;
  }
  for (const k of ['tiers', 'zones']) {
    const s = t[k];
    if (s === undefined) continue;
    if (
      !isObj(s) ||
      !Array.isArray(s['names']) ||
      !s['names'].every((n) => typeof n === 'string') ||
      !isNumArray(s['share']) ||
      s['share'].length !== s['names'].length ||
      !Array.isArray(s['series']) ||
      s['series'].length !== s['names'].length ||
      !s['series'].every((row) => isNumArray(row))
    )
      out.push(`${w}: traffic.${k} must have names, a share per name and a series per name`);
  }
  const nullableNum = (x: unknown): boolean => x === null || isNum(x);
  const cz = t['clientZones'];
  if (cz !== undefined && (!Array.isArray(cz) || !cz.every((c) => isObj(c) && typeof c['zone'] === 'string' && isNum(c['requests']) && nullableNum(c['p50']) && nullableNum(c['p99']) && isNum(c['crossZoneShare']))))
    out.push(`${w}: traffic.clientZones must list zone, requests, p50, p99 and crossZoneShare`);
  const x = t['crossZone'];
  if (x !== undefined && (!isObj(x) || !['share', 'attemptsPerRequest', 'bytesPerAttempt', 'pricePerGB', 'costPerMillion'].every((k) => isNum(x[k])) || !isNumArray(x['series'])))
    out.push(`${w}: traffic.crossZone must have numbers share, attemptsPerRequest, bytesPerAttempt, pricePerGB, costPerMillion and a series`);
  const d = t['degraded'];
  if (d !== undefined && (!isObj(d) || !isNum(d['share']) || !isNumArray(d['series'])))
    out.push(`${w}: traffic.degraded must have a number share and a series`);
  if (!t['episodes'].every((e) => isObj(e) && (e['kind'] === 'spill' || e['kind'] === 'panic') && isNum(e['start']) && isNum(e['end'])))
    out.push(`${w}: traffic.episodes must have kind (spill or panic), start and end`);
}

/** Problems found in `x` as file number `index` (1-based in messages); empty when usable. */
export function checkResultsFile(x: unknown, index: number): string[] {
  const where = `results file ${index + 1}`;
  const out: string[] = [];
  if (!isObj(x)) return [`${where}: not an object`];
  if (typeof x['error'] === 'string') return [`${where}: ${x['error']}`];
  if (x['schema'] !== RESULTS_SCHEMA)
    return [`${where}: schema is ${JSON.stringify(x['schema'])}, this page reads ${RESULTS_SCHEMA}`];
  if (!isObj(x['scenario'])) out.push(`${where}: scenario missing`);
  const s = x['summary'];
  if (!isObj(s)) out.push(`${where}: summary missing`);
  else
    for (const k of ['offeredRate', 'capacity', 'loadFactor', 'durationS', 'seed', 'replications'])
      if (!isNum(s[k])) out.push(`${where}: summary.${k} is not a number`);
  if (!Array.isArray(x['results'])) out.push(`${where}: results is not an array`);
  else x['results'].forEach((r, i) => checkStrategy(r, `${where} results[${i}]`, out));
  if (!Array.isArray(x['warnings'])) out.push(`${where}: warnings is not an array`);
  const sweep = x['sweep'];
  if (sweep !== undefined) {
    if (!isObj(sweep) || typeof sweep['key'] !== 'string' || !Array.isArray(sweep['points']))
      out.push(`${where}: sweep must have key and points`);
    else {
      const axes = sweep['axes'];
      const n = Array.isArray(axes) ? axes.length : 1;
      // the first axis is numeric (the x of the charts); later ones may also name values
      const isAxisValues = (v: unknown): boolean =>
        Array.isArray(v) && v.every((e) => isNum(e) || typeof e === 'string' || typeof e === 'boolean');
      if (
        axes !== undefined &&
        (!Array.isArray(axes) ||
          axes.length === 0 ||
          !axes.every((a, k) => isObj(a) && typeof a['key'] === 'string' && (k === 0 ? isNumArray(a['values']) : isAxisValues(a['values']))))
      )
        out.push(`${where}: sweep.axes must be a list of {key, values}, numbers on the first`);
      sweep['points'].forEach((p, i) => {
        if (!isObj(p) || !isNum(p['value']) || !isNum(p['load']) || !Array.isArray(p['results']))
          out.push(`${where}: sweep.points[${i}] must have value, load and results`);
        else {
          const at = p['at'];
          if (at !== undefined && !(isAxisValues(at) && Array.isArray(at) && at.length === n && isNum(at[0])))
            out.push(`${where}: sweep.points[${i}].at must have one value per axis (${n}), a number first`);
          p['results'].forEach((r, j) => checkStrategy(r, `${where} sweep.points[${i}].results[${j}]`, out));
        }
      });
    }
  } else if (Array.isArray(x['results']) && x['results'].length === 0 && !isObj(x['capacity'])) {
    out.push(`${where}: no results, no sweep and no capacity search`);
  }
  const cap = x['capacity'];
  if (cap !== undefined && (!isObj(cap) || !Array.isArray(cap['rows']) || !Array.isArray(cap['range'])))
    out.push(`${where}: capacity must have rows and range`);
  const tune = x['tune'];
  if (tune !== undefined && (!isObj(tune) || !Array.isArray(tune['points']) || !Array.isArray(tune['parameters'])))
    out.push(`${where}: tune must have points and parameters`);
  const cmp = x['comparison'];
  if (cmp !== undefined && (!isObj(cmp) || !Array.isArray(cmp['strategies']) || typeof cmp['verdict'] !== 'string'))
    out.push(`${where}: comparison must have strategies and a verdict`);
  const dec = x['decision'];
  if (dec !== undefined && (!isObj(dec) || typeof dec['paragraph'] !== 'string' || !Array.isArray(dec['pathological'])))
    out.push(`${where}: decision must have a paragraph`);
  return out;
}
