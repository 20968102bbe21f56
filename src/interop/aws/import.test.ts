import { describe, expect, it } from 'vitest';
import { InputError } from '../../input/errors.js';
import { detectFormat } from '../import.js';
import { notesOf } from '../notes.js';
import { fixture, importFixture } from '../testing.js';

function inputError(fn: () => unknown): InputError {
  try {
    fn();
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected an InputError');
}

const TARGETS = fixture('aws', 'targets.json');

describe('AWS ALB target group import (describe-target-group-attributes + describe-target-health)', () => {
  it('weighted_random with anomaly mitigation → weighted-random flavor aws; healthy and initial targets simulated', () => {
    const { result, scenario, text } = importFixture(fixture('aws', 'weighted-random.json'), { targets: TARGETS });
    expect(result.format).toBe('aws');
    expect(result.config.strategy).toEqual({ name: 'weighted-random', options: { flavor: 'aws', anomalyMitigation: true } });
    expect(result.config.servers.map((s) => `${s.address} ${s.role}`)).toEqual([
      'i-0a1b2c3d4e5f60001:8080 active',
      'i-0a1b2c3d4e5f60002:8080 active',
      '10.0.3.17:8080 active',
      'i-0a1b2c3d4e5f60004:8080 down',
      'i-0a1b2c3d4e5f60005:8080 down',
    ]);
    // Defaults of unmodelled attributes are not warned about; the anomalous and unrouted targets are.
    expect(result.warnings.map((w) => w.directive)).toEqual([
      'TargetHealthDescriptions[1].AnomalyDetection',
      'TargetHealthDescriptions[3].TargetHealth.State',
      'TargetHealthDescriptions[4].TargetHealth.State',
    ]);
    expect(result.config).toMatchObject({ passive: false, outlier: false, panicThreshold: 0, retries: 0, slowStart: false });
    expect(scenario.strategies[0]).toMatchObject({ name: 'weighted-random', options: { flavor: 'aws', anomalyMitigation: true } });
    expect(scenario.backends.map((g) => g.addresses)).toEqual([['i-0a1b2c3d4e5f60001:8080'], ['i-0a1b2c3d4e5f60002:8080'], ['10.0.3.17:8080']]);
    expect(notesOf(scenario).extraServers.map((s) => s.role)).toEqual(['down', 'down']);
    expect(scenario.imported?.format).toBe('aws');
    expect(text).toMatch(/aws target-group "weighted-random"/);
  });

  it('least_outstanding_requests with lb_cookie stickiness → sticky around least-connections flavor aws', () => {
    const { result } = importFixture(fixture('aws', 'least-outstanding.json'), { targets: TARGETS });
    expect(result.config.strategy).toEqual({
      name: 'sticky',
      options: { inner: 'least-connections', innerOptions: { flavor: 'aws' }, maxSessions: 100000 },
    });
    expect(result.warnings.map((w) => w.directive).filter((d) => !d.startsWith('Target'))).toEqual([
      'stickiness.type',
      'deregistration_delay.timeout_seconds',
      'load_balancing.cross_zone.enabled',
    ]);
  });

  it('round_robin with slow start, targets in the same file → round-robin, a linear ramp from 0', () => {
    const { result, scenario } = importFixture(fixture('aws', 'round-robin-slow-start.json'));
    expect(result.config.strategy.name).toBe('round-robin');
    expect(result.config.slowStart).toEqual({ windowMs: 120_000, minWeightPercent: 0, aggression: 1 });
    expect(scenario.balancer.slowStart).toEqual({ windowMs: 120_000, minWeightPercent: 0, aggression: 1 });
    expect(result.config.servers.filter((s) => s.role === 'active')).toHaveLength(2);
  });

  it('is recognized by its contents, before the .json → Envoy rule', () => {
    expect(detectFormat('tg.json', '{\n  "Attributes": [ { "Key": "a", "Value": "b" } ]\n}')).toBe('aws');
    expect(detectFormat('tg.json', '{ "static_resources": {} }')).toBe('envoy');
  });

  it('bad input names the file and the field', () => {
    expect(inputError(() => importFixture(fixture('aws', 'errors', 'bad-algorithm.json'))).message).toMatch(
      /bad-algorithm\.json: Attributes\[0\]\.Value: load_balancing\.algorithm\.type: expected round_robin, least_outstanding_requests, weighted_random, got "fastest"$/,
    );
    expect(inputError(() => importFixture(fixture('aws', 'errors', 'no-targets.json'))).message).toMatch(/no-targets\.json: TargetHealthDescriptions: no targets: pass the JSON of `aws elbv2 describe-target-health` with --targets FILE/);
    expect(inputError(() => importFixture(fixture('aws', 'errors', 'lambda.json'))).message).toMatch(/lambda\.json: TargetHealthDescriptions\[0\]\.Target\.Id: a Lambda function target/);
    expect(inputError(() => importFixture(fixture('aws', 'errors', 'all-unhealthy.json'))).message).toMatch(/no target in state healthy or initial/);
    expect(inputError(() => importFixture(fixture('aws', 'weighted-random.json'), { targets: fixture('aws', 'least-outstanding.json') })).message).toMatch(
      /least-outstanding\.json: TargetHealthDescriptions: expected the JSON of `aws elbv2 describe-target-health`/,
    );
    expect(inputError(() => importFixture(fixture('nginx', 'random.conf'), { targets: TARGETS })).message).toMatch(/^--targets: applies to an AWS target group import only/);
  });
});
