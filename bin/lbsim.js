#!/usr/bin/env node
// Entry point for `npx lbsim` / `npm start`: runs the compiled CLI (built by `npm ci` via `prepare`).
// The commands that simulate run in a Node process with their own V8 flags: started without them,
// this process starts one with them and waits for it (dist/src/cli/launch.js, docs/scaling.md).
import { relaunch, tieToParent } from '../dist/src/cli/launch.js';

const relaunched = await relaunch();
if (relaunched !== null) process.exitCode = relaunched;
else {
  tieToParent();
  const { main } = await import('../dist/src/cli/main.js');
  main(process.argv).then(
    (code) => { process.exitCode = code; },
    (err) => { console.error(`lbsim: internal error: ${err instanceof Error ? err.message : String(err)}`); process.exitCode = 1; },
  );
}
