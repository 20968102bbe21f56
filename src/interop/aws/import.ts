/**
 * AWS Application Load Balancer → lbsim: one target group, from the JSON the AWS CLI prints for
 * `aws elbv2 describe-target-group-attributes` (`{"Attributes": [{"Key", "Value"}, …]}`) and its
 * targets from `aws elbv2 describe-target-health` (`{"TargetHealthDescriptions": [{"Target": {"Id",
 * "Port", "AvailabilityZone"}, "TargetHealth": {"State", "Reason", "Description"},
 * "AnomalyDetection": {"Result", "MitigationInEffect"}}, …]}`), given as two files (`--targets`) or
 * merged into one. Attribute keys and values follow the Elastic Load Balancing API reference
 * (TargetGroupAttribute) and the ALB guide's "Edit target group attributes".
 *
 * Mapping (MAPPING.md): `load_balancing.algorithm.type` round_robin → `round-robin`,
 * least_outstanding_requests → `least-connections` flavor aws, weighted_random →
 * `weighted-random` flavor aws with `anomalyMitigation` from
 * `load_balancing.algorithm.anomaly_mitigation`; `slow_start.duration_seconds` → a linear ramp
 * from 0 (`balancer.slowStart`, aggression 1, minWeightPercent 0); `stickiness.enabled` → `sticky`
 * around the algorithm. Targets in state healthy or initial are simulated; the others are kept for
 * export. An ALB has no passive failure accounting, no panic mode and no retries. Attributes lbsim
 * does not model are warned about when they differ from AWS's defaults. What AWS does not publish
 * (tie rules, the anomaly detector) is stated in docs/strategies.md.
 */
import { basename } from 'node:path';
import { InputError } from '../../input/errors.js';
import { readInputFile } from '../../input/read.js';
import { baseConfig, groupName, withDefaults } from '../common.js';
import type { ImportResult, InteropWarning, LbServer } from '../types.js';

/** `load_balancing.algorithm.type` values an ALB target group accepts. */
export const AWS_ALGORITHMS = ['round_robin', 'least_outstanding_requests', 'weighted_random'] as const;

/** Attributes lbsim reads. */
const READ = new Set([
  'load_balancing.algorithm.type',
  'load_balancing.algorithm.anomaly_mitigation',
  'slow_start.duration_seconds',
  'stickiness.enabled',
  'stickiness.type',
  'stickiness.lb_cookie.duration_seconds',
  'stickiness.app_cookie.cookie_name',
  'stickiness.app_cookie.duration_seconds',
]);

/** AWS's default value of attributes lbsim does not model (no warning when a file carries the default). */
const IGNORED_DEFAULTS: Record<string, string[]> = {
  'deregistration_delay.timeout_seconds': ['300'],
  'load_balancing.cross_zone.enabled': ['use_load_balancer_configuration', 'true'],
  'target_group_health.dns_failover.minimum_healthy_targets.count': ['1'],
  'target_group_health.dns_failover.minimum_healthy_targets.percentage': ['off'],
  'target_group_health.unhealthy_state_routing.minimum_healthy_targets.count': ['1'],
  'target_group_health.unhealthy_state_routing.minimum_healthy_targets.percentage': ['off'],
  'lambda.multi_value_headers.enabled': ['false'],
};

/** Why an unmodelled attribute matters, when it differs from the default. */
const WHY: Record<string, string> = {
  'deregistration_delay.timeout_seconds': 'deregistration (connection draining) is not simulated',
  'load_balancing.cross_zone.enabled': 'availability zones are not simulated: every target is one pool',
  'lambda.multi_value_headers.enabled': 'Lambda targets are not simulated',
};

/** Target states AWS routes to (initial: registering, about to be healthy). */
const ROUTED = new Set(['healthy', 'initial']);

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Parses a JSON file. @throws InputError with the parser's message */
function readJson(file: string): unknown {
  const text = readInputFile(file);
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new InputError(file, [{ path: '', message: `not valid JSON (${(e as Error).message})` }]);
  }
}

/** Options of {@link importAws}. */
export interface AwsImportOptions {
  /** The `describe-target-health` JSON (when the attributes file does not hold the targets). */
  targets?: string;
}

/**
 * Imports an ALB target group's attributes and targets as an {@link ImportResult}.
 * @throws InputError naming the file and the field of a bad value, or missing targets
 */
export function importAws(file: string, opts: AwsImportOptions = {}): ImportResult {
  const doc = readJson(file);
  if (!isObj(doc) || !Array.isArray(doc.Attributes)) {
    throw new InputError(file, [{ path: 'Attributes', message: 'expected the JSON of `aws elbv2 describe-target-group-attributes` ({"Attributes": [{"Key": …, "Value": …}]})' }]);
  }
  const warnings: InteropWarning[] = [];
  const warn = (directive: string, message: string, at = file) => warnings.push({ file: at, directive, message });
  const attrs = new Map<string, string>();
  doc.Attributes.forEach((a, k) => {
    if (!isObj(a) || typeof a.Key !== 'string' || typeof a.Value !== 'string') {
      throw new InputError(file, [{ path: `Attributes[${k}]`, message: 'expected {"Key": "<name>", "Value": "<string>"}' }]);
    }
    attrs.set(a.Key, a.Value);
  });
  const attrPath = (key: string) => `Attributes[${[...attrs.keys()].indexOf(key)}].Value`;
  const bad = (key: string, expected: string): never => {
    throw new InputError(file, [{ path: attrPath(key), message: `${key}: expected ${expected}, got ${JSON.stringify(attrs.get(key))}` }]);
  };

  // Targets: from --targets, else from the same file.
  let targetsFile = file;
  let targetsDoc: unknown = doc;
  if (opts.targets !== undefined) {
    targetsFile = opts.targets;
    targetsDoc = readJson(opts.targets);
  }
  if (!isObj(targetsDoc) || !Array.isArray(targetsDoc.TargetHealthDescriptions)) {
    throw new InputError(opts.targets ?? file, [
      {
        path: 'TargetHealthDescriptions',
        message:
          opts.targets === undefined
            ? 'no targets: pass the JSON of `aws elbv2 describe-target-health` with --targets FILE (or merge its TargetHealthDescriptions into this file)'
            : 'expected the JSON of `aws elbv2 describe-target-health` ({"TargetHealthDescriptions": [...]})',
      },
    ]);
  }
  const used = new Set<string>();
  const servers: LbServer[] = [];
  targetsDoc.TargetHealthDescriptions.forEach((d, k) => {
    const at = `TargetHealthDescriptions[${k}]`;
    const fail = (path: string, message: string): never => {
      throw new InputError(targetsFile, [{ path: `${at}${path}`, message }]);
    };
    if (!isObj(d) || !isObj(d.Target)) return fail('.Target', 'expected {"Target": {"Id": …, "Port": …}, "TargetHealth": {"State": …}}');
    const id = d.Target.Id;
    if (typeof id !== 'string' || id === '') return fail('.Target.Id', 'expected an instance id or an IP address');
    if (id.startsWith('arn:')) return fail('.Target.Id', 'a Lambda function target: lbsim simulates instance and IP targets only');
    const port = d.Target.Port;
    if (port !== undefined && !(Number.isInteger(port) && (port as number) >= 1 && (port as number) <= 65535)) return fail('.Target.Port', `expected a port from 1 to 65535, got ${JSON.stringify(port)}`);
    const address = port === undefined ? id : `${id.includes(':') ? `[${id}]` : id}:${String(port)}`;
    const state = isObj(d.TargetHealth) && typeof d.TargetHealth.State === 'string' ? d.TargetHealth.State : 'healthy';
    const role: LbServer['role'] = ROUTED.has(state) ? 'active' : 'down';
    if (role === 'down') warn(`${at}.TargetHealth.State`, `target ${address} is ${state}: not simulated; kept for export`, targetsFile);
    if (isObj(d.AnomalyDetection) && d.AnomalyDetection.Result === 'anomalous') {
      warn(`${at}.AnomalyDetection`, `target ${address} was anomalous at export time (mitigation ${String(d.AnomalyDetection.MitigationInEffect ?? 'no')}); the simulation starts it unmitigated`, targetsFile);
    }
    servers.push({ name: groupName(address, used), address, weight: 1, maxConn: 0, role });
  });
  if (!servers.some((s) => s.role === 'active')) {
    throw new InputError(targetsFile, [{ path: 'TargetHealthDescriptions', message: 'no target in state healthy or initial to simulate' }]);
  }

  const name = basename(file).replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9_.-]+/g, '_') || 'target-group';
  const config = baseConfig(name);
  config.servers = servers;
  const origins: Record<string, string> = {};

  // Algorithm.
  const algorithm = attrs.get('load_balancing.algorithm.type') ?? 'round_robin';
  if (!(AWS_ALGORITHMS as readonly string[]).includes(algorithm)) bad('load_balancing.algorithm.type', AWS_ALGORITHMS.join(', '));
  const mitigation = attrs.get('load_balancing.algorithm.anomaly_mitigation') ?? 'off';
  if (mitigation !== 'on' && mitigation !== 'off') bad('load_balancing.algorithm.anomaly_mitigation', 'on or off');
  let strategy = 'round-robin';
  let options: Record<string, unknown> = {};
  if (algorithm === 'least_outstanding_requests') {
    strategy = 'least-connections';
    options = { flavor: 'aws' };
  } else if (algorithm === 'weighted_random') {
    strategy = 'weighted-random';
    options = { flavor: 'aws', ...(mitigation === 'on' ? { anomalyMitigation: true } : {}) };
  }
  if (mitigation === 'on' && algorithm !== 'weighted_random') {
    warn('load_balancing.algorithm.anomaly_mitigation', 'anomaly mitigation works with weighted_random only; ignored');
  }
  origins.strategy = `load_balancing.algorithm.type ${algorithm}${algorithm === 'weighted_random' ? `, anomaly_mitigation ${mitigation}` : ''}`;

  // Slow start: AWS ramps a new target's share linearly from 0 over the duration (30–900 s).
  const slow = attrs.get('slow_start.duration_seconds') ?? '0';
  if (!/^\d+$/.test(slow)) bad('slow_start.duration_seconds', 'a whole number of seconds (0 = off, 30–900)');
  if (Number(slow) > 0) {
    config.slowStart = { windowMs: Number(slow) * 1000, minWeightPercent: 0, aggression: 1 };
    origins['balancer.slowStart'] = `slow_start.duration_seconds ${slow} (linear from 0)`;
    if (algorithm !== 'round_robin') {
      warn('slow_start.duration_seconds', `AWS documents slow start with round_robin; lbsim ramps the weight with ${algorithm} too`);
    }
  }

  // Stickiness.
  const sticky = attrs.get('stickiness.enabled') ?? 'false';
  if (sticky !== 'true' && sticky !== 'false') bad('stickiness.enabled', 'true or false');
  if (sticky === 'true') {
    const type = attrs.get('stickiness.type') ?? 'lb_cookie';
    warn('stickiness.type', `${type} stickiness is modelled as lbsim sticky sessions keyed by clients.sessions; the cookie and its duration are not`);
    options = { inner: strategy, innerOptions: options };
    strategy = 'sticky';
    origins.strategy = `stickiness ${type} + ${origins.strategy}`;
  }
  config.strategy = { name: strategy, options: withDefaults(strategy, options) };

  // Everything else: warned when it differs from AWS's default.
  for (const [key, value] of attrs) {
    if (READ.has(key)) continue;
    const defaults = IGNORED_DEFAULTS[key];
    if (defaults?.includes(value)) continue;
    warn(key, `${JSON.stringify(value)}: ${WHY[key] ?? (key.startsWith('target_group_health.') ? 'target-group health thresholds (DNS failover, unhealthy routing) are not simulated' : 'not modelled by lbsim')}`);
  }
  origins['balancer.passive'] = 'an ALB has no passive failure accounting (health checks and anomaly mitigation only)';
  origins['balancer.panicThreshold'] = 'an ALB routes to all targets when none is healthy (fail open); lbsim models no panic mode here';
  origins['balancer.retries'] = 'an ALB does not retry a request on another target';
  return { format: 'aws', file, kind: 'target-group', config, origins, warnings };
}
