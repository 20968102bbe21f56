/**
 * Progress reporting: a cli-progress bar on a TTY (stderr), plain lines otherwise (one per ~10 %),
 * nothing with `--quiet`.
 */
import cliProgress from 'cli-progress';

/** A progress sink: `update(done, total)` then `stop()`. */
export interface Progress {
  update(done: number, total: number): void;
  stop(): void;
}

/** Creates the progress sink for `label`. */
export function progress(label: string, quiet: boolean): Progress {
  if (quiet) return { update() {}, stop() {} };
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: `${label} [{bar}] {percentage}% | {value}/{total} runs | {duration_formatted}`, stream: process.stderr, hideCursor: true },
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
