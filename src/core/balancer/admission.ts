/**
 * Admission keys: which request attribute a per-key limit counts by. nginx keys `limit_req` and
 * `limit_conn` by a variable (`limit_req_zone $binary_remote_addr …`); lbsim offers the request
 * attributes a {@link RequestInfo} carries, or one global key.
 */
import type { RequestInfo } from '../view.js';

/** Which request attribute keys a per-key limit. */
export type LimitKey = 'global' | 'client' | 'session' | 'hash';

/** The key of `req` under `key` (`''` for the global key). */
export function keyOf(req: Readonly<RequestInfo>, key: LimitKey): string {
  switch (key) {
    case 'client':
      return req.clientAddr;
    case 'session':
      return req.sessionKey;
    case 'hash':
      return req.hashKey;
    default:
      return '';
  }
}
