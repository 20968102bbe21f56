/**
 * Seeded property-based fuzzing (fast-check) of everything that reads user files: the scenario
 * loader (YAML text → document → normalized scenario → input limits) and the nginx, HAProxy and
 * Envoy importers. For any input each one either succeeds or throws an {@link InputError} whose
 * every line names the file (what the CLI prints as `lbsim: …` with exit code 2): never another
 * error (the CLI's "internal error" with exit 1), and the heap stays bounded. Seeded, so a failure
 * reproduces; bounded in time (each property stops after its time budget, whatever the run count).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from './errors.js';
import { parseDocument, parseScenario } from '../scenario/index.js';
import { limitProblems } from '../sim/limits.js';
import { importNginx } from '../interop/nginx/import.js';
import { importHaproxy } from '../interop/haproxy/import.js';
import { importEnvoy } from '../interop/envoy/import.js';

const SEED = 20_261_205;
/** Wall-clock budget of one property (ms); runs stop early when it is spent. */
const BUDGET_MS = 4_000;
/** Heap growth allowed over a whole property (bytes): far below what any unbounded input reaches. */
const HEAP_GROWTH = 256 * 1024 * 1024;

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'lbsim-fuzz-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `f`; passes when it returns or throws an InputError naming `file` on every line. */
function inputErrorOrSuccess(file: string, f: () => unknown): void {
  try {
    f();
  } catch (e) {
    if (!(e instanceof InputError)) throw new Error(`not an input error: ${e instanceof Error ? `${e.name}: ${e.message}\n${e.stack}` : String(e)}`);
    for (const line of e.message.split('\n')) expect(line.startsWith(`${e.file}: `), line).toBe(true);
    expect(e.problems.length).toBeGreaterThan(0);
    expect(e.message).not.toMatch(/\n\s+at /); // no stack trace in the message
  }
}

/** Checks a property with the seed and the time budget, and that the heap did not grow without bound. */
function check<T>(arb: fc.Arbitrary<T>, body: (v: T) => void): void {
  const before = process.memoryUsage().heapUsed;
  fc.assert(
    fc.property(arb, (v) => {
      body(v);
      expect(process.memoryUsage().heapUsed - before).toBeLessThan(HEAP_GROWTH);
    }),
    { seed: SEED, numRuns: 400, interruptAfterTimeLimit: BUDGET_MS, markInterruptAsFailure: false },
  );
}

/** Values a scenario field might hold, hostile ones included. */
const anyValue = fc.oneof(
  fc.constantFrom(0, -1, 1, 2.5, 1e9, 1e12, 1e308, -1e308, 10_000_000, Number.MAX_SAFE_INTEGER, '', 'x', '1e9s', '5ms', '-3s', 'NaN', null, true, [], {}),
  fc.integer(),
  fc.double({ noNaN: false }),
  fc.string({ maxLength: 12 }),
  fc.constantFrom('sticky', 'consistent-hash', 'bounded-load', 'p2c', 'maglev', 'empirical', 'zipf', 'closed', 'schedule', '/dev/zero', '__proto__'),
);

const BASE = {
  duration: '1s',
  clients: { rate: 1000 },
  backends: [{ count: 2, service: { dist: 'exponential', mean: '1ms' } }],
  strategies: ['round-robin'],
};

/** A path into the base scenario (existing or new keys) and a value to put there. */
const edit = fc.tuple(
  fc.constantFrom(
    ['duration'], ['warmup'], ['interval'], ['seed'], ['replications'], ['clients', 'rate'], ['clients', 'arrival'], ['clients', 'users'],
    ['clients', 'think'], ['clients', 'keys'], ['clients', 'keys', 'count'], ['clients', 'schedule'], ['backends', 0, 'count'],
    ['backends', 0, 'weight'], ['backends', 0, 'workers'], ['backends', 0, 'service'], ['backends', 0, 'service', 'dist'],
    ['backends', 0, 'service', 'file'], ['backends', 0, 'service', 'samples'], ['strategies', 0], ['strategies', 0, 'options'],
    ['balancer', 'healthCheck'], ['balancer', 'queue'], ['balancer', 'retries'], ['faults'], ['autoscale'], ['balancers'], ['__proto__', 'x'],
  ) as fc.Arbitrary<(string | number)[]>,
  anyValue,
);

function applyEdit(doc: unknown, [path, value]: [(string | number)[], unknown]): unknown {
  const root = structuredClone(doc) as Record<string | number, unknown>;
  let cur: Record<string | number, unknown> = root;
  for (const key of path.slice(0, -1)) {
    const next = Object.hasOwn(cur, key) ? cur[key] : undefined;
    if (next === null || typeof next !== 'object') {
      const made: Record<string | number, unknown> = {};
      Object.defineProperty(cur, key, { value: made, enumerable: true, writable: true, configurable: true });
      cur = made;
    } else cur = next as Record<string | number, unknown>;
  }
  Object.defineProperty(cur, path[path.length - 1]!, { value, enumerable: true, writable: true, configurable: true });
  return root;
}

describe('fuzz: the scenario loader', () => {
  it('arbitrary text: success or an input error', () => {
    const text = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.array(fc.constantFrom('a: ', '&x ', '*x', '[', ']', '{', '}', '- ', '\n', '  ', 'clients:', 'backends:', 'rate: 1e12', '!!binary ', '<<: *x', '"', "'", '#', ',', '---\n'), { maxLength: 80 }).map((a) => a.join('')),
    );
    check(text, (t) => {
      const file = 'fuzz.yaml';
      inputErrorOrSuccess(file, () => limitProblems(parseScenario(parseDocument(t, file), file, dir)));
    });
  });

  it('a valid scenario with hostile edits: success or an input error naming the field', () => {
    check(fc.array(edit, { minLength: 1, maxLength: 4 }), (edits) => {
      const doc = edits.reduce<unknown>((d, e) => applyEdit(d, e), BASE);
      const file = 'edited.yaml';
      inputErrorOrSuccess(file, () => {
        const text = stringify(doc);
        limitProblems(parseScenario(parseDocument(text, file), file, dir));
      });
    });
  });
});

/** Writes `text` to a new file in the fuzz directory and returns its path. */
let n = 0;
function file(text: string, ext: string): string {
  const path = join(dir, `f${n++}.${ext}`);
  writeFileSync(path, text);
  return path;
}

describe('fuzz: the importers', () => {
  it('nginx: token soup, deep blocks and includes of special files', () => {
    const tokens = fc.constantFrom(
      'http', 'upstream', 'u', 'v', '{', '}', ';', ' ', '\n', 'server', '127.0.0.1:1', '[::1]:2', 'weight=5', 'weight=0', 'weight=1000000',
      'max_fails=x', 'backup', 'hash', '$request_uri', 'consistent', 'random', 'two', 'least_conn', 'ip_hash', 'sticky', 'cookie',
      'include', '/dev/zero', '/etc/hostname', '*.conf', 'location', '/', 'proxy_pass', 'http://u', 'proxy_next_upstream_tries', '"', "'",
      '#', '\\', '${', 'limit_req_zone', 'zone=z:10m', 'rate=1e12r/s', 'queue', 'timeout=1e9s',
    );
    check(fc.array(tokens, { maxLength: 120 }), (parts) => {
      const path = file(parts.join(' '), 'conf');
      inputErrorOrSuccess(path, () => importNginx(path));
    });
  });

  it('HAProxy: token soup by line', () => {
    const tokens = fc.constantFrom(
      'defaults', 'backend', 'listen', 'frontend', 'b', 'from', 'server', 's1', '127.0.0.1:1', 'weight', '0', '256', '1e9', 'maxconn', 'balance',
      'roundrobin', 'random(1000000)', 'hdr(', 'uri', 'hash-type', 'consistent', 'hash-balance-factor', 'cookie', 'insert', 'retries', '-1',
      'timeout', 'server', '1e9s', 'option', 'redispatch', '"', "'", '\\', '#', '\n', '    ',
    );
    check(fc.array(tokens, { maxLength: 120 }), (parts) => {
      const path = file(parts.join(' '), 'cfg');
      inputErrorOrSuccess(path, () => importHaproxy(path));
    });
  });

  it('Envoy: clusters with hostile values, and arbitrary YAML', () => {
    const cluster = fc.record({
      name: anyValue,
      lb_policy: fc.oneof(fc.constantFrom('ROUND_ROBIN', 'LEAST_REQUEST', 'RING_HASH', 'MAGLEV', 'RANDOM', 'CLUSTER_PROVIDED'), anyValue),
      load_assignment: fc.oneof(
        anyValue,
        fc.record({
          endpoints: fc.array(
            fc.record({
              priority: anyValue,
              lb_endpoints: fc.array(
                fc.record({
                  load_balancing_weight: anyValue,
                  endpoint: fc.record({ address: fc.oneof(anyValue, fc.record({ socket_address: fc.record({ address: anyValue, port_value: anyValue }) })) }),
                }),
                { maxLength: 3 },
              ),
            }),
            { maxLength: 2 },
          ),
        }),
      ),
      maglev_lb_config: fc.record({ table_size: anyValue }),
      outlier_detection: fc.oneof(anyValue, fc.record({ consecutive_5xx: anyValue, base_ejection_time: anyValue })),
      common_lb_config: fc.oneof(anyValue, fc.record({ healthy_panic_threshold: anyValue })),
    });
    const text = fc.oneof(
      cluster.map((c) => stringify({ static_resources: { clusters: [c] } })),
      fc.array(fc.constantFrom('clusters:', '- ', 'name: c', 'lb_policy: ', 'RING_HASH', '&a ', '*a', '[', ']', '{', '}', '\n', '  ', '"', ':'), { maxLength: 60 }).map((a) => a.join('')),
    );
    check(text, (t) => {
      const path = file(t, 'yaml');
      inputErrorOrSuccess(path, () => importEnvoy(path));
    });
  });
});
