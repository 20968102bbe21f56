/**
 * Progress reporting: a cli-progress bar on a TTY (stderr) with runs done / total and the ETA, plain
 * lines otherwise (one per ~10 %, with the ETA), nothing with `--quiet`. The bar leaves the
 * terminal's modes alone (no hidden cursor, no line wrap turned off): a kill, or a command whose
 * Ctrl-C is not trapped, could end the process before any handler turned them back on; the line is
 * cut to the terminal's width instead.
 */
import cliProgress from 'cli-progress';

/** A progress sink: `update(done, total)` then `stop()`. */
export interface Progress {
  update(done: number, total: number): void;
  stop(): void;
}

/** `12s`, `3m05s`, `1h02m`. */
export function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** cli-progress options that keep the terminal's cursor and line wrap as they are (`linewrap: true`: the line is cut to the terminal's width instead of turning wrap off). */
export const BAR_TERMINAL = { hideCursor: false, linewrap: true } as const;

/** Creates the progress sink for `label`. */
export function progress(label: string, quiet: boolean): Progress {
  if (quiet) return { update() {}, stop() {} };
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${label} [{bar}] {percentage}% | {value}/{total} runs | {duration_formatted} | ETA {eta_formatted}`,
        stream: process.stderr,
        ...BAR_TERMINAL,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update(done, total) {
        if (!started) {
          bar.start(total, 0);
          started = true;
        }
        bar.setTotal(total);
        bar.update(done);
      },
      stop() {
        if (started) bar.stop();
      },
    };
  }
  let lastTenth = -1;
  const t0 = performance.now();
  return {
    update(done, total) {
      const tenth = Math.floor((done / Math.max(1, total)) * 10);
      if (tenth !== lastTenth) {
        lastTenth = tenth;
        const elapsed = (performance.now() - t0) / 1000;
        const eta = done > 0 && done < total ? `, ETA ${formatEta((elapsed / done) * (total - done))}` : '';
        process.stderr.write(`${label}: ${done}/${total} runs${eta}\n`);
      }
    },
    stop() {},
  };
}
