/**
 * Command-line overrides of the scenario's decision keys (`--slo`, `--baseline`, `--proxy`), applied
 * to the parsed document before validation like the other overrides (`overrides.ts`), so the same
 * checks and messages apply; and the `--metric` flag.
 */
import { InputError } from '../input/errors.js';
import type { CompareMetric } from '../results/schema.js';

/** Flags that override decision keys. */
export interface DecisionOverrides {
  /** `p99=10ms,p999=50ms,availability=99.9`. */
  slo?: string;
  baseline?: string;
  proxy?: string;
}

/** Parses `--slo p99=10ms,availability=99.9` into the scenario's `slo` mapping (validated later by the schema). */
export function parseSloFlag(spec: string): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const part of spec.split(',').map((p) => p.trim()).filter((p) => p !== '')) {
    const m = /^(p99|p999|p99\.9|availability)\s*=\s*(.+)$/.exec(part);
    if (!m) throw new InputError('--slo', [{ path: '', message: `expected p99=DURATION, p999=DURATION or availability=PERCENT (comma-separated), got ${JSON.stringify(part)}` }]);
    const key = m[1] === 'p99.9' ? 'p999' : m[1]!;
    const v = m[2]!.trim();
    out[key] = /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v;
  }
  if (Object.keys(out).length === 0) throw new InputError('--slo', [{ path: '', message: 'expected at least one objective, e.g. --slo p99=10ms' }]);
  return out;
}

/** Returns a copy of `doc` with the decision overrides applied. */
export function applyDecisionOverrides(doc: Record<string, unknown>, o: DecisionOverrides): Record<string, unknown> {
  const out: Record<string, unknown> = { ...doc };
  if (o.slo !== undefined) out.slo = parseSloFlag(o.slo);
  if (o.baseline !== undefined) out.baseline = o.baseline;
  if (o.proxy !== undefined) out.proxy = o.proxy;
  return out;
}

/** Parses `--metric`. */
export function parseMetric(v: string | undefined): CompareMetric | undefined {
  if (v === undefined) return undefined;
  const m = v === 'p99.9' ? 'p999' : v;
  if (m === 'p99' || m === 'p999' || m === 'mean') return m;
  throw new InputError('--metric', [{ path: '', message: `expected p99, p999 or mean, got ${JSON.stringify(v)}` }]);
}
