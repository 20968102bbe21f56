/**
 * Admission limits of the balancing core: nginx `limit_req` (leaky bucket), nginx `limit_conn`
 * (per-key concurrency) and the HAProxy-style wait queue for a free backend slot.
 */

export { LeakyBucket, RATE_LIMIT_DEFAULTS, REJECT, type RateLimitOptions } from './leaky-bucket.js';
export { ConnLimit } from './conn-limit.js';
export { WaitQueue } from './queue.js';
