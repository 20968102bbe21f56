/**
 * Sticky sessions: a wrapper that sends a known session to the backend it was bound to.
 *
 * Reference: nginx `sticky` (cookie / learn) and HAProxy `cookie` persistence (REFERENCE.md,
 * `sticky`). A request with a non-empty `sessionKey` bound to a backend id goes to that backend
 * while it is eligible. Otherwise the inner strategy (any registered one, `round-robin` by
 * default) picks and, when there is a session key, the binding `sessionKey → backend id` is
 * recorded (rebinding a session whose backend became ineligible). Requests without a session key
 * are passed to the inner strategy and bind nothing. Bindings are kept by backend id, so they
 * survive backend-list changes; the table is LRU-bounded by `maxSessions` (a JS Map keeps
 * insertion order: a hit moves the key to the back, the front is evicted).
 *
 * Cost: O(1) map operations plus the inner pick. Recording a new binding necessarily stores the
 * key; a pick allocates nothing else.
 */
import { z } from 'zod';
import type { BackendSpec } from '../core/backend.js';
import type { Strategy, StrategyDef, StrategyEnv } from '../core/strategy.js';
import type { PickView, RequestInfo } from '../core/view.js';

const schema = z
  .object({
    /** Registered name of the strategy that picks for unbound requests. */
    inner: z.string().min(1).default('round-robin'),
    /** Options for the inner strategy (validated by its own schema). */
    innerOptions: z.record(z.string(), z.unknown()).default({}),
    /** Most session bindings kept; the least recently used is dropped beyond it. */
    maxSessions: z.number().int().min(1).default(100000),
  })
  .strict();

/** Options of `sticky`. */
export type StickyOptions = z.infer<typeof schema>;

class Sticky implements Strategy {
  /** sessionKey → backend id, in least-recently-used-first order. */
  private readonly bindings = new Map<string, string>();
  /** backend id → index in the current backend list. */
  private indexOf = new Map<string, number>();

  constructor(
    private readonly inner: Strategy,
    private readonly maxSessions: number,
  ) {}

  pick(view: PickView, req: Readonly<RequestInfo>): number {
    if (view.count === 0) return -1;
    const key = req.sessionKey;
    if (key !== '') {
      const id = this.bindings.get(key);
      if (id !== undefined) {
        const i = this.indexOf.get(id);
        if (i !== undefined && view.eligible[i] === 1) {
          // LRU touch: move the key to the back of the insertion order.
          this.bindings.delete(key);
          this.bindings.set(key, id);
          return i;
        }
      }
    }
    const i = this.inner.pick(view, req);
    if (i < 0 || key === '') return i;
    const id = view.specs[i]!.id;
    this.bindings.delete(key);
    this.bindings.set(key, id);
    if (this.bindings.size > this.maxSessions) {
      const oldest = this.bindings.keys().next();
      if (!oldest.done) this.bindings.delete(oldest.value);
    }
    return i;
  }

  rebuild(specs: readonly BackendSpec[]): void {
    const m = new Map<string, number>();
    for (let i = 0; i < specs.length; i++) m.set(specs[i]!.id, i);
    this.indexOf = m;
    this.inner.rebuild?.(specs);
  }

  released(i: number, failed: boolean, latencyMs: number, now: number, active: number): void {
    this.inner.released?.(i, failed, latencyMs, now, active);
  }

  /** Number of session bindings held (for tests and diagnostics). */
  get sessions(): number {
    return this.bindings.size;
  }
}

/** `sticky`: session affinity around an inner strategy. */
export const strategy: StrategyDef<StickyOptions> = {
  name: 'sticky',
  description: 'Session affinity: a known session key returns to its bound backend, else the inner strategy picks',
  reference: 'nginx sticky, HAProxy cookie persistence',
  options: schema,
  weighted: false,
  spreads: true,
  cost: 'O(1)',
  create(opts: StickyOptions, env: StrategyEnv): Strategy {
    if (opts.inner === 'sticky') throw new Error('sticky: inner strategy cannot be sticky');
    return new Sticky(env.create(opts.inner, opts.innerOptions), opts.maxSessions);
  },
};
