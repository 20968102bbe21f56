#!/usr/bin/env node
// Entry point for `npx lbsim` / `npm start`: runs the compiled CLI (built by `npm ci` via `prepare`).
import { main } from '../dist/src/cli/main.js';

main(process.argv).then(
  (code) => { process.exitCode = code; },
  (err) => { console.error(`lbsim: internal error: ${err instanceof Error ? err.message : String(err)}`); process.exitCode = 1; },
);
