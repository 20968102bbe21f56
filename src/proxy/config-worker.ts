/**
 * Worker-thread entry that parses and validates one proxy config text (see `reload.ts`): posts
 * `{ ok: true, config }` or `{ ok: false, file, problems }` for a {@link ConfigError}, or
 * `{ ok: false, message }` for anything else. A {@link ProxyConfig} is plain data (strings,
 * numbers, arrays, a Set), so it crosses the thread boundary by structured clone.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ConfigError, parseConfigText } from './config.js';

const { text, file } = workerData as { text: string; file: string };
try {
  parentPort?.postMessage({ ok: true, config: parseConfigText(text, file) });
} catch (e) {
  if (e instanceof ConfigError) parentPort?.postMessage({ ok: false, file: e.file, problems: e.problems });
  else parentPort?.postMessage({ ok: false, message: e instanceof Error ? e.message : String(e) });
}
