/**
 * What a load generator reports for one point (one target, one connection count), whichever
 * generator produced it (`wrk`, or the undici fallback in `loadgen.ts`).
 */

/** Result of one load point. */
export interface LoadResult {
  /** Which generator measured it. */
  generator: 'wrk' | 'undici';
  /** Completed requests per second (2xx/3xx and others alike, as wrk counts). */
  rps: number;
  /** Median latency, ms. */
  p50: number;
  /** 99th percentile latency, ms. */
  p99: number;
  /** Requests completed. */
  requests: number;
  /** Responses that were not 2xx/3xx plus socket errors. */
  errors: number;
  /** Measured duration, s. */
  seconds: number;
}
