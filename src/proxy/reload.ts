/**
 * Loading a config for a reload (SIGHUP) off the serving path: the file is read asynchronously and
 * bounded (`readConfigText`: at most `MAX_CONFIG_BYTES`), then parsed and validated in a worker
 * thread (`config-worker.ts`), so neither a large file nor a slow YAML parse stalls the requests in
 * flight. When a worker cannot be started, the text is parsed on the main thread (still bounded).
 */
import { Worker } from 'node:worker_threads';
import { ConfigError, parseConfigText, readConfigText, type ProxyConfig } from './config.js';

type Reply = { ok: true; config: ProxyConfig } | { ok: false; file: string; problems: ConfigError['problems'] } | { ok: false; message: string };

/** The worker entry, next to this module (`.ts` when the sources run through the test hooks). */
const WORKER_URL = new URL(import.meta.url.endsWith('.ts') ? './config-worker.ts' : './config-worker.js', import.meta.url);

function parseInWorker(text: string, file: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const w = new Worker(WORKER_URL, { workerData: { text, file } });
    let reply: Reply | undefined;
    w.once('message', (m: Reply) => {
      reply = m;
    });
    w.once('error', reject);
    w.once('exit', () => (reply !== undefined ? resolve(reply) : reject(new Error('config worker exited without an answer'))));
  });
}

/**
 * Reads and validates the config at `path` without blocking the event loop for its parse.
 * @throws ConfigError when the file is missing, too big or invalid
 */
export async function loadConfigOffThread(path: string): Promise<ProxyConfig> {
  const text = await readConfigText(path);
  let reply: Reply;
  try {
    reply = await parseInWorker(text, path);
  } catch {
    return parseConfigText(text, path);
  }
  if (reply.ok) return reply.config;
  if ('problems' in reply) throw new ConfigError(reply.file, reply.problems);
  throw new Error(reply.message);
}
