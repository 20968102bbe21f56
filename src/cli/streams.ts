/**
 * Standard streams for a command-line tool that is piped: when the reader goes away
 * (`lbsim list | head -1`), writing to stdout fails with EPIPE. A shell tool exits quietly then,
 * without a stack trace; lbsim also drops its later writes to that stream and carries on, so the
 * files a command was asked to write (`--json`, `--report`) are still written.
 */

/** Streams already guarded. */
const guarded = new WeakSet<NodeJS.WriteStream>();

/** Whether a stream's reader has gone away. */
const broken = new WeakSet<NodeJS.WriteStream>();

/** Makes EPIPE on `stream` silent: later writes to it are dropped. Idempotent. */
export function guardBrokenPipe(stream: NodeJS.WriteStream): void {
  if (guarded.has(stream)) return;
  guarded.add(stream);
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') {
      broken.add(stream);
      stream.write = (() => true) as typeof stream.write;
      return;
    }
    // any other output error (a full disk behind a redirect): one line, then stop
    if (stream !== process.stderr && !broken.has(process.stderr)) process.stderr.write(`lbsim: cannot write output: ${e.message}\n`);
    process.exit(1);
  });
}

/** Whether `stream`'s reader went away (EPIPE seen). */
export function isBroken(stream: NodeJS.WriteStream): boolean {
  return broken.has(stream);
}

/** Guards stdout and stderr (see the module header). */
export function guardStandardStreams(): void {
  guardBrokenPipe(process.stdout);
  guardBrokenPipe(process.stderr);
}
