/**
 * Consistent hashing on a ketama ring, as nginx `hash $key consistent` does it.
 *
 * Reference: nginx `ngx_http_upstream_get_chash_peer` (src/http/modules/
 * ngx_http_upstream_hash_module.c), pingora-ketama (docs/strategies.md#consistent-hash). The ring
 * (see ketama-ring.ts) has 160 points per unit of configured weight; a request goes to the owner of
 * the first point ≥ crc32(key), wrapping. If that backend is ineligible the walk continues to the
 * next point (nginx `hp->hash++`), bounded by the number of points; none eligible gives -1 (nginx
 * returns NGX_BUSY). Key: `req.hashKey`, or `req.clientAddr` when the key is empty.
 * Adding a backend moves about 1/(n+1) of the keys, all to the new one; removing one (or making it
 * ineligible) moves only the keys it held.
 * Cost: O(log points) per pick (one CRC of the key, a binary search), no allocation.
 */
import { z } from 'zod';
import type { BackendSpec } from '../core/backend.js';
import type { Strategy, StrategyDef } from '../core/strategy.js';
import type { PickView, RequestInfo } from '../core/view.js';
import { KetamaRing } from './support/ketama-ring.js';

const schema = z.object({}).strict();

/** Options of `consistent-hash` (none). */
export type ConsistentHashOptions = z.infer<typeof schema>;

/** The request's hash key: `hashKey`, or `clientAddr` when it is empty. */
export function requestKey(req: Readonly<RequestInfo>): string {
  return req.hashKey !== '' ? req.hashKey : req.clientAddr;
}

class ConsistentHash implements Strategy {
  private readonly ring = new KetamaRing();

  pick(view: PickView, req: Readonly<RequestInfo>): number {
    const ring = this.ring;
    const n = ring.length;
    if (view.count === 0 || n === 0) return -1;
    const owners = ring.owners;
    const eligible = view.eligible;
    let pos = ring.findKey(requestKey(req));
    for (let t = 0; t < n; t++) {
      const i = owners[pos]!;
      if (eligible[i] === 1) return i;
      if (++pos === n) pos = 0;
    }
    return -1;
  }

  rebuild(specs: readonly BackendSpec[]): void {
    this.ring.build(specs);
  }
}

/** `consistent-hash`: nginx `hash $key consistent` (ketama). */
export const strategy: StrategyDef<ConsistentHashOptions> = {
  name: 'consistent-hash',
  description: 'Ketama ring (160 points per weight, crc32); first point at or after the key, skipping ineligible',
  reference: 'nginx hash $key consistent (ngx_http_upstream_hash_module.c), pingora-ketama',
  options: schema,
  weighted: true,
  spreads: false,
  cost: 'O(log n)',
  create(): Strategy {
    return new ConsistentHash();
  },
};
