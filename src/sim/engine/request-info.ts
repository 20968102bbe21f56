/**
 * The `RequestInfo` the simulator hands the core: attributes are computed on READ from the
 * request's arrival number (counter-based, `workload.ts`), so a strategy that never looks at the
 * client address, hash key or session key costs nothing for them, while every strategy that does
 * sees the same values for the same request (common random numbers). One object is reused for
 * every acquire, as the core expects of drivers.
 */
import type { RequestInfo } from '../../core/view.js';
import type { Workload } from '../model/workload.js';

/** A reusable {@link RequestInfo} whose attributes are derived from the current arrival number. */
export class SimRequestInfo implements RequestInfo {
  /** Attempt number of the acquire in progress. */
  attempt = 1;
  /** Arrival number of the request being dispatched. */
  n = 0;

  constructor(private readonly wl: Workload) {}

  /** Client address of the current request. */
  get clientAddr(): string {
    return this.wl.clientOf(this.n);
  }

  /** Hash key of the current request. */
  get hashKey(): string {
    return this.wl.keyOf(this.n);
  }

  /** Session key of the current request. */
  get sessionKey(): string {
    return this.wl.sessionOf(this.n);
  }
}
