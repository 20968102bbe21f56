/**
 * Ctrl-C during a study (`lbsim run`, `lbsim sweep`) or while a queue worker runs (`lbsim worker`:
 * it then finishes the runs in progress). The first SIGINT (or SIGTERM) aborts the
 * study's signal: the executors hand out no more runs and stop waiting for the ones in progress
 * (`src/exec/executor.ts`), and the command writes what finished, marked partial
 * ({@link markPartial}), then exits 130 (143 for SIGTERM). A repeat within a second is the same
 * keypress delivered twice (the terminal signals the whole process group, and a parent such as npm,
 * npx or lbsim's own relaunch, `launch.ts`, forwards its own copy) and is ignored; a later one exits
 * at once, writing nothing.
 *
 * The runs on this thread go in slices of a few milliseconds (`src/exec/job.ts` `runJobSliced`), so
 * the signal is seen at once, and the run in progress is dropped (a run cut short has no summary);
 * the pool's runs in progress are not waited for either (`src/exec/executor.ts`). The terminal
 * needs no restoring: the progress bar never hides the cursor or turns line wrap off
 * (`progress.ts`).
 */
import type { ResultsFile } from '../results/schema.js';

/** A trapped Ctrl-C; see the module header. */
export interface Interrupt {
  /** Aborts at the first SIGINT / SIGTERM. */
  readonly signal: AbortSignal;
  /** The signal that aborted, or null. */
  by(): NodeJS.Signals | null;
  /** The exit code for the signal that aborted (130 for SIGINT, 143 for SIGTERM). */
  exitCode(): number;
  /**
   * Removes the handlers (the default Ctrl-C behaviour returns, a second after the first signal at
   * the latest: a repeat within that second is still ignored). Calling it again does nothing.
   */
  dispose(): void;
}

/** Exit codes of a process ended by a signal: 128 + its number. */
const CODES: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143 };

/**
 * Traps SIGINT and SIGTERM for `command` (`run`, `sweep`, `worker`) until {@link Interrupt.dispose}.
 * @param log where the one-line notes go (stderr)
 * @param lost what exiting at the second signal gives up, for its note
 */
export function trapInterrupt(
  command: string,
  log: (line: string) => void = (l) => void process.stderr.write(`${l}\n`),
  lost = 'nothing written',
): Interrupt {
  const controller = new AbortController();
  let by: NodeJS.Signals | null = null;
  let at = 0;
  let disposed = false;
  const handler = (sig: NodeJS.Signals): void => {
    if (by !== null) {
      if (performance.now() - at < 1000) return;
      log(`\nlbsim ${command}: ${sig} again: exiting at once; ${lost}`);
      process.exit(CODES[sig] ?? 130);
    }
    by = sig;
    at = performance.now();
    controller.abort();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    by: () => by,
    exitCode: () => (by === null ? 0 : (CODES[by] ?? 130)),
    dispose() {
      if (disposed) return;
      disposed = true;
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
      // the other copy of the keypress may still be on its way (the relaunch forwards its own a few
      // milliseconds later): until the second is over it is swallowed, not left to Node's default,
      // which would kill the process while it writes what finished (or turn exit 0 into 130)
      const left = by === null ? 0 : 1000 - (performance.now() - at);
      if (left <= 0) return;
      const swallow = (): void => {};
      process.on('SIGINT', swallow);
      process.on('SIGTERM', swallow);
      setTimeout(() => {
        process.off('SIGINT', swallow);
        process.off('SIGTERM', swallow);
      }, left).unref();
    },
  };
}

/**
 * `file` marked as partial: the `partial` field and a first warning saying what is missing (shown
 * by the terminal and the report alike).
 * @param what `3 of 17 strategies (42 of 85 runs)`
 * @param missing labels of the strategies or points left out
 */
export function markPartial(file: ResultsFile, reason: string, what: string, missing: string[]): ResultsFile {
  const list = missing.length > 8 ? `${missing.slice(0, 8).join(', ')} and ${missing.length - 8} more` : missing.join(', ');
  return {
    ...file,
    partial: { reason, missing },
    warnings: [`partial results: ${reason} after ${what}; missing: ${list}`, ...file.warnings],
  };
}
