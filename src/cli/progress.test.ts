import { PassThrough } from 'node:stream';
import cliProgress from 'cli-progress';
import { describe, expect, it } from 'vitest';
import { BAR_TERMINAL } from './progress.js';

describe('progress bar and the terminal', () => {
  it('never hides the cursor or turns line wrap off, so a Ctrl-C mid-run leaves the terminal as it was', () => {
    const stream = Object.assign(new PassThrough(), { isTTY: true, columns: 80, cursorTo() {}, clearLine() {}, moveCursor() {} });
    let written = '';
    stream.on('data', (d: Buffer) => (written += d.toString()));
    const bar = new cliProgress.SingleBar({ format: '[{bar}] {value}/{total}', stream: stream as unknown as NodeJS.WritableStream, ...BAR_TERMINAL, noTTYOutput: true });
    bar.start(10, 0);
    bar.update(5);
    // what a SIGINT leaves behind: the bar is never stopped
    expect(written).toContain('0/10');
    expect(written).not.toContain('\x1b[?25l');
    expect(written).not.toContain('\x1b[?7l');
    bar.stop();
  });
});
