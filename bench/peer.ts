/**
 * A proxy under test in the throughput benchmark: lbsim itself or a peer (nginx, HAProxy,
 * node-http-proxy), started on loopback and stopped (with its whole process group) afterwards.
 */
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { onCleanup, stop } from './proc.js';

/** A running proxy under test. */
export interface RunningTarget {
  /** Row label, e.g. `lbsim proxy (1 worker)`. */
  name: string;
  /** Base URL on 127.0.0.1. */
  url: string;
  /** Pid of the process that serves requests (for RSS sampling). */
  pid: number;
  /** Stops it and everything it started. */
  stop(): Promise<void>;
}

/** Keeps the last `max` characters a child wrote to stderr (for error messages) and drains stdout. */
export function tail(child: ChildProcess, max = 4000): () => string {
  let err = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    err = (err + d).slice(-max);
  });
  child.stdout?.resume();
  return () => err.trim();
}

/** Wraps a started child as a {@link RunningTarget}; `dir` (its temp directory) is removed on stop. */
export function targetOf(name: string, url: string, child: ChildProcess, dir?: string): RunningTarget {
  const removeDir = (): void => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  };
  const forget = onCleanup(removeDir); // also on SIGINT / exit without stop()
  return {
    name,
    url,
    pid: child.pid ?? 0,
    stop: async () => {
      await stop(child);
      removeDir();
      forget();
    },
  };
}
