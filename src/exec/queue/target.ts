/**
 * Where the distributed queue lives: a `redis://[user:password@]host[:port][/db]` address
 * (`rediss://` for TLS), parsed into ioredis connection options, and a reachability probe that
 * fails fast with the address and the reason (`connect ECONNREFUSED 127.0.0.1:6379`, a DNS error,
 * a timeout, a refused password) instead of ioredis's default of retrying forever.
 */
import { Redis, type RedisOptions } from 'ioredis';
import { InputError } from '../../input/errors.js';

/** A parsed queue address. */
export interface RedisTarget {
  /** The address as given, with any password masked (for messages). */
  display: string;
  /** Connection options for ioredis / BullMQ. */
  options: RedisOptions;
}

/** Parses `url` (see the module header). @throws InputError naming `flag` on a malformed address */
export function parseRedisUrl(url: string, flag = '--queue'): RedisTarget {
  const bad = (why: string) =>
    new InputError(flag, [{ path: '', message: `${why}: expected redis://host:port[/db] (e.g. redis://127.0.0.1:6379), got ${JSON.stringify(url)}` }]);
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw bad('not an address');
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw bad(`unsupported scheme ${u.protocol}`);
  if (u.hostname === '') throw bad('no host');
  const port = u.port === '' ? 6379 : Number(u.port);
  const dbText = u.pathname.replace(/^\//, '');
  const db = dbText === '' ? 0 : Number(dbText);
  if (!Number.isInteger(db) || db < 0 || db > 15) throw bad(`database ${JSON.stringify(dbText)} is not 0…15`);
  const options: RedisOptions = { host: u.hostname.replace(/^\[|\]$/g, ''), port, db };
  if (u.username) options.username = decodeURIComponent(u.username);
  if (u.password) options.password = decodeURIComponent(u.password);
  if (u.protocol === 'rediss:') options.tls = {};
  const masked = new URL(url);
  if (masked.password) masked.password = '***';
  return { display: masked.toString().replace(/\/$/, ''), options };
}

/** Thrown when Redis cannot be reached: a user-environment problem (exit 2). */
export function unreachable(target: RedisTarget, reason: string): InputError {
  return new InputError(target.display, [{ path: '', message: `cannot reach Redis: ${reason}` }]);
}

/**
 * Connects once, without retries, and sends PING; resolves with the server's version.
 * @throws InputError naming the address and the reason when Redis does not answer within `timeoutMs`
 */
export async function probeRedis(target: RedisTarget, timeoutMs = 5000): Promise<string> {
  const client = new Redis({
    ...target.options,
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  let cause = '';
  client.on('error', (e: Error) => (cause ||= e.message)); // the socket's reason; the promise only says the connection closed
  try {
    await client.connect();
    await client.ping();
    const info = await client.info('server');
    return /redis_version:([^\r\n]+)/.exec(info)?.[1] ?? 'unknown';
  } catch (e) {
    const reason = cause || (e instanceof Error ? e.message : String(e));
    throw unreachable(target, /^Protocol error/.test(reason) ? `the server there does not speak the Redis protocol (${reason.replace(/ Please report this\.$/, '')})` : reason);
  } finally {
    client.disconnect();
  }
}
