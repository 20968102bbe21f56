/**
 * Bytes allocated per operation, measured as heap growth over many operations with no garbage
 * collection in between.
 *
 * V8 exposes no allocation counter (`v8.getHeapStatistics()` has none in Node 20), so the method is:
 * run node with a young generation large enough that no scavenge happens during the measured loop
 * (`--min-semi-space-size=512 --max-semi-space-size=512`: the semi-space must START large, the max
 * alone only lets it grow after scavenges), force a full GC (`--expose-gc`), read
 * `process.memoryUsage().heapUsed`, run N operations, read it again, and count `gc` performance
 * entries (PerformanceObserver) over the loop: if any collection happened the figure is void and
 * the measurement is repeated with fewer operations. The harness's own growth (an empty loop through
 * the same path) is measured the same way and subtracted.
 */
import { PerformanceObserver } from 'node:perf_hooks';

/** Node flags the allocation measurement needs (see the module comment). */
export const ALLOC_NODE_FLAGS: readonly string[] = [
  '--expose-gc',
  '--min-semi-space-size=512',
  '--max-semi-space-size=512',
];

/** Result of one allocation measurement. */
export interface AllocResult {
  /** Heap growth per operation in bytes, harness baseline subtracted (≥ 0 up to noise). */
  bytesPerOp: number;
  /** Operations in the measured loop. */
  ops: number;
  /** False when a GC could not be avoided (the figure is then an upper bound of nothing: unusable). */
  valid: boolean;
}

/** True when the process runs with `--expose-gc` and a young generation large enough to measure. */
export function canMeasureAlloc(): boolean {
  return typeof (globalThis as { gc?: unknown }).gc === 'function';
}

function fullGc(): void {
  (globalThis as unknown as { gc: () => void }).gc();
}

const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

/**
 * Measures heap growth per call of `run(1)`, i.e. bytes per operation, where `run(k)` performs k
 * operations. `run` must already be warmed up (optimized) by the caller.
 * @param run performs the given number of operations
 * @param ops operations in the measured loop (halved and retried if a GC intervenes)
 */
export async function measureAlloc(run: (k: number) => void, ops: number): Promise<AllocResult> {
  if (!canMeasureAlloc()) throw new Error('measureAlloc needs node --expose-gc (see ALLOC_NODE_FLAGS)');
  let gcs = 0;
  const obs = new PerformanceObserver((list) => {
    gcs += list.getEntries().length;
  });
  obs.observe({ entryTypes: ['gc'] });
  const noop = (k: number): number => k;
  try {
    let n = ops;
    for (let attempt = 0; attempt < 6; attempt++) {
      const base = await growth(noop, n);
      const g = await growth(run, n);
      if (base.gcs === 0 && g.gcs === 0) {
        return { bytesPerOp: Math.max(0, (g.bytes - base.bytes) / n), ops: n, valid: true };
      }
      n = Math.max(1000, Math.floor(n / 2));
    }
    return { bytesPerOp: Number.NaN, ops: n, valid: false };
  } finally {
    obs.disconnect();
  }

  async function growth(fn: (k: number) => unknown, n: number): Promise<{ bytes: number; gcs: number }> {
    fullGc();
    await flush();
    await flush();
    gcs = 0;
    const h0 = process.memoryUsage().heapUsed;
    fn(n);
    const h1 = process.memoryUsage().heapUsed;
    await flush();
    await flush();
    return { bytes: h1 - h0, gcs };
  }
}
