/**
 * Sticky sessions: a wrapper that sends a known session to the backend it was bound to.
 *
 * Reference: nginx `sticky` (cookie / learn) and HAProxy `cookie` persistence
 * (docs/strategies.md#sticky). A request with a non-empty `sessionKey` bound to a backend id goes
 * to that backend while it is eligible. Otherwise the inner strategy (any registered one, `round-robin` by
 * default) picks and, when there is a session key, the binding `sessionKey → backend id` is
 * recorded (rebinding a session whose backend became ineligible). Requests without a session key
 * are passed to the inner strategy and bind nothing. Bindings are kept by backend id, so they
 * survive backend-list changes.
 *
 * The table holds at most `maxSessions` bindings, evicted by CLOCK (second chance, the classic
 * LRU approximation of page caches): a binding lives in a slot of parallel arrays found through
 * `Map<sessionKey, slot>`; using it again only sets the slot's reference bit. To free a slot the
 * hand sweeps the slots in order, clearing set bits and taking the first clear one, so a binding
 * never used again goes before one in use (and those in insertion order). Backend ids are
 * interned to small numbers so a slot holds an integer.
 *
 * Cost: O(1) map lookups plus the inner pick (eviction amortised O(1)). A hit allocates nothing;
 * recording a new binding necessarily stores the key in the map.
 */
import { z } from 'zod';
import type { BackendSpec } from '../core/backend.js';
import type { Strategy, StrategyDef, StrategyEnv } from '../core/strategy.js';
import type { PickView, RequestInfo } from '../core/view.js';

const schema = z
  .object({
    /** Registered name of the strategy that picks for unbound requests. */
    inner: z
      .string()
      .min(1)
      .refine((v) => v !== 'sticky', { message: 'expected a strategy other than sticky (sticky sessions do not nest)' })
      .default('round-robin'),
    /** Options for the inner strategy (validated by its own schema). */
    innerOptions: z.record(z.string(), z.unknown()).default({}),
    /** Most session bindings kept; the least recently used is dropped beyond it. */
    maxSessions: z.number().int().min(1).default(100000),
  })
  .strict();

/** Options of `sticky`. */
export type StickyOptions = z.infer<typeof schema>;

class Sticky implements Strategy {
  /** sessionKey → slot. */
  private readonly slotOf = new Map<string, number>();
  /** Session key per slot (to unmap it on eviction). */
  private readonly keys: string[] = [];
  /** Interned backend id number per slot. */
  private slotId = new Int32Array(0);
  /** Reference bit per slot: set when the binding is used again, cleared by the passing hand. */
  private ref = new Uint8Array(0);
  /** Slots in use (0 … used−1); grows up to maxSessions. */
  private used = 0;
  /** Next slot the CLOCK hand examines. */
  private hand = 0;
  /** Backend id → id number (interned; ids are never forgotten). */
  private readonly idNo = new Map<string, number>();
  /** Id number → index in the current backend list, or -1. */
  private indexOfNo = new Int32Array(0);

  constructor(
    private readonly inner: Strategy,
    private readonly maxSessions: number,
  ) {}

  pick(view: PickView, req: Readonly<RequestInfo>): number {
    if (view.count === 0) return -1;
    const key = req.sessionKey;
    let slot = -1;
    if (key !== '') {
      const s = this.slotOf.get(key);
      if (s !== undefined) {
        slot = s;
        const i = this.indexOfNo[this.slotId[s]!] ?? -1;
        if (i >= 0 && view.eligible[i] === 1) {
          this.ref[s] = 1;
          return i;
        }
      }
    }
    const i = this.inner.pick(view, req);
    if (i < 0 || key === '') return i;
    const no = this.intern(view.specs[i]!.id);
    if (slot >= 0) {
      // Rebinding a session whose backend is ineligible: a use of the binding.
      this.slotId[slot] = no;
      this.ref[slot] = 1;
      return i;
    }
    slot = this.freeSlot();
    this.keys[slot] = key;
    this.slotId[slot] = no;
    this.ref[slot] = 0;
    this.slotOf.set(key, slot);
    return i;
  }

  /** Id number of backend id `id`, assigning the next one when new. */
  private intern(id: string): number {
    let no = this.idNo.get(id);
    if (no === undefined) {
      no = this.idNo.size;
      this.idNo.set(id, no);
    }
    return no;
  }

  /** A slot for a new binding: a never-used one while below maxSessions, else the CLOCK victim. */
  private freeSlot(): number {
    if (this.used < this.maxSessions) {
      if (this.used === this.slotId.length) {
        const cap = Math.min(this.maxSessions, Math.max(16, this.used * 2));
        const id = new Int32Array(cap);
        id.set(this.slotId);
        const ref = new Uint8Array(cap);
        ref.set(this.ref);
        this.slotId = id;
        this.ref = ref;
      }
      return this.used++;
    }
    const used = this.used;
    const ref = this.ref;
    for (;;) {
      const h = this.hand;
      this.hand = h + 1 === used ? 0 : h + 1;
      if (ref[h] === 1) ref[h] = 0;
      else {
        this.slotOf.delete(this.keys[h]!);
        return h;
      }
    }
  }

  rebuild(specs: readonly BackendSpec[]): void {
    for (const spec of specs) this.intern(spec.id);
    const m = new Int32Array(this.idNo.size).fill(-1);
    for (let i = 0; i < specs.length; i++) m[this.idNo.get(specs[i]!.id)!] = i;
    this.indexOfNo = m;
    this.inner.rebuild?.(specs);
  }

  released(i: number, failed: boolean, latencyMs: number, now: number, active: number): void {
    this.inner.released?.(i, failed, latencyMs, now, active);
  }

  /** Number of session bindings held (for tests and diagnostics). */
  get sessions(): number {
    return this.slotOf.size;
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
