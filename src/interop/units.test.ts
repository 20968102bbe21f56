import { describe, expect, it } from 'vitest';
import { envoyDuration, parseEnvoyDuration, parseHaproxyTime, parseNginxTime, proxyTime, scenarioDuration } from './durations.js';
import { formatHashKey, hashKeyFromHaproxy, hashKeyFromNginx, hashKeyToHaproxy, hashKeyToNginx, parseHashKey } from './hash-key.js';
import { detectFormat } from './import.js';
import { formatNotes, parseNotes, type ExportNotes } from './notes.js';
import type { HashKey } from './types.js';

describe('time values', () => {
  it('reads nginx times: bare seconds, units, combinations', () => {
    expect(parseNginxTime('30')).toBe(30_000);
    expect(parseNginxTime('500ms')).toBe(500);
    expect(parseNginxTime('1m30s')).toBe(90_000);
    expect(parseNginxTime('1h 30m')).toBe(5_400_000);
    expect(parseNginxTime('2d')).toBe(172_800_000);
    expect(parseNginxTime('1.5s')).toBeNaN();
    expect(parseNginxTime('s')).toBeNaN();
  });

  it('reads HAProxy times: bare milliseconds, units', () => {
    expect(parseHaproxyTime('500')).toBe(500);
    expect(parseHaproxyTime('5s')).toBe(5000);
    expect(parseHaproxyTime('2m')).toBe(120_000);
    expect(parseHaproxyTime('100us')).toBe(0.1);
    expect(parseHaproxyTime('5 s')).toBeNaN();
  });

  it('reads Envoy durations as strings or {seconds, nanos}', () => {
    expect(parseEnvoyDuration('30s')).toBe(30_000);
    expect(parseEnvoyDuration('0.25s')).toBe(250);
    expect(parseEnvoyDuration({ seconds: 1, nanos: 500_000_000 })).toBe(1500);
    expect(parseEnvoyDuration('30ms')).toBeNaN();
    expect(parseEnvoyDuration(30)).toBeNaN();
  });

  it('writes times for proxies and scenarios', () => {
    expect([proxyTime(10_000), proxyTime(120_000), proxyTime(1500), proxyTime(90_000)]).toEqual(['10s', '2m', '1500ms', '90s']);
    expect([envoyDuration(500), envoyDuration(30_000)]).toEqual(['0.5s', '30s']);
    expect([scenarioDuration(250), scenarioDuration(0.5)]).toEqual(['250ms', '0.5ms']);
  });
});

describe('hash keys', () => {
  it('read from nginx variables and written back', () => {
    const cases: [string, HashKey][] = [
      ['$remote_addr', { kind: 'client' }],
      ['$request_uri', { kind: 'uri' }],
      ['$uri', { kind: 'path' }],
      ['$http_x_user_id', { kind: 'header', name: 'x-user-id' }],
      ['$cookie_sid', { kind: 'cookie', name: 'sid' }],
      ['$arg_user', { kind: 'param', name: 'user' }],
      ['$host$uri', { kind: 'raw', format: 'nginx', expr: '$host$uri' }],
    ];
    for (const [expr, key] of cases) {
      expect(hashKeyFromNginx(expr)).toEqual(key);
      expect(hashKeyToNginx(key)).toBe(expr);
      expect(parseHashKey(formatHashKey(key))).toEqual(key);
    }
    expect(hashKeyToNginx({ kind: 'raw', format: 'haproxy', expr: 'src' })).toBeNull();
  });

  it('read from HAProxy balance words and written back', () => {
    const cases: [string, HashKey][] = [
      ['source', { kind: 'client' }],
      ['uri whole', { kind: 'uri' }],
      ['uri', { kind: 'path' }],
      ['hdr(x-tenant)', { kind: 'header', name: 'x-tenant' }],
      ['hash req.cook(sid)', { kind: 'cookie', name: 'sid' }],
      ['url_param user', { kind: 'param', name: 'user' }],
      ['hash req.fhdr(host),lower', { kind: 'raw', format: 'haproxy', expr: 'req.fhdr(host),lower' }],
    ];
    for (const [words, key] of cases) {
      expect(hashKeyFromHaproxy(words.split(' ')).key).toEqual(key);
      expect(hashKeyToHaproxy(key)).toBe(words);
    }
    expect(hashKeyFromHaproxy(['uri', 'len', '20']).extra).toEqual(['len', '20']);
  });
});

describe('notes kept in the description', () => {
  it('format and parse back, ignoring text before the marker', () => {
    const notes: ExportNotes = {
      addresses: new Map([
        ['web', ['10.0.0.1:80', '10.0.0.2:80']],
        ['api', ['unix:/run/api.sock']],
      ]),
      extraServers: [{ name: 'spare', address: '10.0.0.9:80', weight: 2, maxConn: 5, role: 'backup', position: 3 }],
      hashKey: { kind: 'header', name: 'x-user' },
      healthCheck: { intervalMs: 2000, timeoutMs: 500, rise: 2, fall: 3, path: '/health check' },
    };
    const text = ['Some words.', 'address fake 1.2.3.4:5', ...formatNotes(notes)].join('\n');
    expect(parseNotes(text)).toEqual(notes);
    expect(parseNotes('no marker\n  address a 1.2.3.4:80')).toEqual({ addresses: new Map(), extraServers: [] });
  });
});

describe('format detection', () => {
  it('uses the extension, then the contents', () => {
    expect(detectFormat('envoy.yaml', '')).toBe('envoy');
    expect(detectFormat('haproxy.cfg', '')).toBe('haproxy');
    expect(detectFormat('site.conf', '')).toBe('nginx');
    expect(detectFormat('config', 'upstream a {\n server x;\n}\n')).toBe('nginx');
    expect(detectFormat('config', 'backend a\n  server x 1.2.3.4:80\n')).toBe('haproxy');
    expect(detectFormat('config', 'static_resources:\n  clusters: []\n')).toBe('envoy');
    expect(detectFormat('config', 'hello')).toBeUndefined();
  });
});
