/**
 * Progress reporting: a cli-progress bar on a TTY (stderr), plain lines otherwise (one per ~10 %),
 * nothing with `--quiet`. The bar leaves the terminal's modes alone (no hidden cursor, no line
 * wrap turned off): the simulation runs on the main thread, so a Ctrl-C ends the process before
 * any handler could turn them back on.
 */
import cliProgress from 'cli-progress';

/** A progress sink: `update(done, total)` then `stop()`. */
export interface Progress {
  update(done: number, total: number): void;
  stop(): void;
}

/** cli-progress options that keep the terminal's cursor and line wrap as they are (`linewrap: true`: the line is cut to the terminal's width instead of turning wrap off). */
export const BAR_TERMINAL = { hideCursor: false, linewrap: true } as const;

/** Creates the progress sink for `label`. */
export function progress(label: string, quiet: boolean): Progress {
  if (quiet) return { update() {}, stop() {} };
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: `${label} [{bar}] {percentage}% | {value}/{total} runs | {duration_formatted}`, stream: process.stderr, ...BAR_TERMINAL },
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
  return {
    update(done, total) {
      const tenth = Math.floor((done / Math.max(1, total)) * 10);
      if (tenth !== lastTenth) {
        lastTenth = tenth;
        process.stderr.write(`${label}: ${done}/${total} runs\n`);
      }
    },
    stop() {},
  };
}
