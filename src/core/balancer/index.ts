/**
 * Public entry of the Balancer (see `balancer.ts`): the class and its options, the lease error, the
 * queue listener, the refusal / error-kind / backend-state codes and the status rows. Drivers import
 * from here; the parts behind it (topology, eligibility, leases, wait queue) are internal.
 */

export { Balancer } from './balancer.js';
export { type BalancerOptions } from './options.js';
export { type LimitKey } from './admission.js';
export {
  QUEUED,
  REFUSED_ALL_BUSY,
  REFUSED_CONN_LIMITED,
  REFUSED_NO_BACKEND,
  REFUSED_QUEUE_FULL,
  REFUSED_QUEUE_TIMEOUT,
  REFUSED_RATE_LIMITED,
  refusalReason,
  type RefusalReason,
  type ErrorKind,
  BACKEND_UP,
  BACKEND_DOWN,
  BACKEND_EJECTED,
  BACKEND_DRAINING,
  BACKEND_REMOVED,
  BACKEND_STATES,
  type BackendState,
} from './codes.js';
export { type BackendStatus } from './introspection.js';
export { LeaseError } from './leases.js';
export { type QueueListener } from './wait-queue.js';
