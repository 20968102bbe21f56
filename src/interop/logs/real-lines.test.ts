/**
 * Lines exactly as the proxies wrote them (nginx 1.22 and HAProxy 2.6 on this project's CI image,
 * Envoy's documented examples), including the shapes that broke naive parsers: a user name with a
 * space, `-` in upstream lists, a retried attempt (`502, 200`), an internal redirect (` : `), a
 * quote inside a header value (escaped by nginx's default escaping, raw with `escape=none` and in
 * Envoy), every syslog header HAProxy's `log … format` writes, a redispatch (`+1` retries), one
 * captured header group, and aborted timers (`-1`).
 */
import { describe, expect, it } from 'vitest';
import { envoyLogFormat, ENVOY_DEFAULT } from './envoy.js';
import { haproxyLogFormat, HAPROXY_HTTPLOG } from './haproxy.js';
import { nginxLogFormat } from './nginx.js';
import { finishRecord, LogRecord } from './record.js';

function parse(f: { parse(l: string, r: LogRecord): boolean }, line: string): LogRecord {
  const r = new LogRecord();
  expect(f.parse(line, r), line).toBe(true);
  finishRecord(r);
  return r;
}

describe('nginx 1.22 lines', () => {
  const timed = nginxLogFormat(
    '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $msec $request_time $upstream_response_time $upstream_addr $upstream_status $upstream_connect_time $upstream_header_time',
  );

  it('a retried request: lists with "-" in $upstream_connect_time, a user name with a space, an escaped quote', () => {
    const r = parse(
      timed,
      '127.0.0.1 - john doe [05/Dec/2026:07:24:10 +0000] "GET /a/1 HTTP/1.1" 200 2 "-" "Mo\\x22zilla x" 1796455450.538 0.001 0.001, 0.000 127.0.0.1:1, 127.0.0.1:18081 502, 200 -, 0.000 -, 0.000',
    );
    expect(r.upstreamMs).toEqual([1, 0]);
    expect(r.upstreamAddr).toEqual(['127.0.0.1:1', '127.0.0.1:18081']);
    expect(r.upstreamStatus).toEqual([502, 200]);
    expect(r.endMs).toBe(1796455450538);
    expect(r.responseMs).toBe(1);
  });

  it('an internal redirect (error_page to a named location): " : " separates the upstream groups', () => {
    const r = parse(
      timed,
      '127.0.0.1 - - [05/Dec/2026:07:24:11 +0000] "GET /redir HTTP/1.1" 404 153 "-" "curl/7.88.1" 1796455451.120 0.000 0.000 : 0.000 127.0.0.1:18081 : 127.0.0.1:18081 404 : 404 0.000 : 0.000 0.000 : 0.000',
    );
    expect(r.upstreamMs).toEqual([0, 0]);
    expect(r.upstreamStatus).toEqual([404, 404]);
  });

  it('a request nginx answered itself: every upstream variable is "-"', () => {
    const r = parse(timed, '10.1.2.3 - - [05/Dec/2026:07:24:12 +0000] "\\x16\\x03\\x01\\x00\\xA5" 400 157 "-" "-" 1796455452.001 0.000 - - - - -');
    expect(r.upstreamAddr).toEqual([]);
    expect(r.status).toBe(400);
  });

  it('escape=none writes quotes raw: the value is still found', () => {
    const none = nginxLogFormat('$remote_addr [$time_local] "$request" "$http_user_agent" $msec $request_time $upstream_response_time $upstream_addr', { escape: 'none' });
    const r = parse(none, '127.0.0.1 [05/Dec/2026:07:24:10 +0000] "GET /a/1 HTTP/1.1" "Mo"zilla x" 1796455450.538 0.001 0.001, 0.000 127.0.0.1:1, 127.0.0.1:18081');
    expect(r.uri).toBe('/a/1');
    expect(r.upstreamMs).toEqual([1, 0]);
  });
});

describe('HAProxy 2.6 option httplog lines, with each log header', () => {
  const f = haproxyLogFormat(HAPROXY_HTTPLOG);
  const msg = '127.0.0.1:60020 [05/Dec/2026:07:24:18.132] fe be/s2 0/0/0/1/1 200 73 - - ---- 2/1/0/0/+1 0/0 {127.0.0.1:18090} "GET /x/1?q=#22a#22 HTTP/1.1"';
  const headers: Record<string, string> = {
    raw: '',
    'rfc3164 (no hostname)': '<134>Dec  5 07:24:18 haproxy[8879]: ',
    'rsyslog traditional file format': 'Dec  5 07:24:18 lb1 haproxy[8879]: ',
    'rsyslog high-precision file format': '2026-12-05T07:24:18.133498+00:00 lb1 haproxy[8879]: ',
    rfc5424: '<134>1 2026-12-05T07:24:18.133498+00:00 - haproxy 8879 - - ',
    timed: '<6>2026-12-05T07:24:18.133503+00:00 ',
    iso: '2026-12-05T07:24:18.133507+00:00 ',
    short: '<6>',
  };
  for (const [name, header] of Object.entries(headers)) {
    it(name, () => {
      const r = parse(f, header + msg);
      expect(r.client).toBe('127.0.0.1');
      expect(r.startMs).toBe(Date.UTC(2026, 11, 5, 7, 24, 18, 132));
      expect(r.upstreamAddr).toEqual(['s2']);
      expect(r.upstreamMs).toEqual([1]);
      expect(r.responseMs).toBe(1);
      expect(r.retries).toBe(1);
      expect(r.uri).toBe('/x/1?q=#22a#22');
    });
  }

  it('a request HAProxy answered itself: <NOSRV>, timers -1', () => {
    const r = parse(f, '<134>Dec  5 07:24:18 haproxy[8879]: 127.0.0.1:41832 [05/Dec/2026:07:24:18.133] fe2 fe2/<NOSRV> 0/-1/-1/-1/0 200 73 - - LR-- 2/1/0/0/0 0/0 "GET /x/1?q=#22a#22 HTTP/1.1"');
    expect(r.upstreamAddr).toEqual([]);
    expect(r.upstreamMs).toEqual([NaN]);
    expect(r.queueMs).toBeNaN();
  });

  it('tells HAProxy’s own event messages (same log, skipped) from malformed lines', () => {
    const events = [
      '<129>Dec  5 07:47:26 haproxy[28076]: Server be/s1 is DOWN, reason: Layer4 connection problem, info: "Connection refused", check duration: 0ms. 1 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.',
      'Dec  5 07:47:26 lb1 haproxy[28076]: backend be has no server available!',
      '2026-12-05T07:47:26.123456+00:00 lb1 haproxy[28076]: Proxy fe started.',
      '<133>Dec  5 07:47:26 haproxy[28076]: Stopping proxy fe in 0 ms.',
      '[WARNING]  (28076) : Server be/s1 is DOWN, reason: Layer4 connection problem',
      'Health check for server be/s2 succeeded, reason: Layer7 check passed, code: 200',
    ];
    for (const e of events) {
      expect(f.parse(e, new LogRecord()), e).toBe(false);
      expect(f.isEvent?.(e), e).toBe(true);
    }
    expect(f.isEvent?.('127.0.0.1:60020 [05/Dec/2026:07:24:18.132] fe be/s2 0/0/0/1/1 200 73 - - ---- 2/1/0/0/+1 0/0 "GET /')).toBe(false);
    expect(f.isEvent?.('garbage'), 'garbage').toBe(false);
  });

  it('an old (1.x) httplog line: [%t] and Tq/Tw/Tc/Tr/Tt have the same shape', () => {
    const r = parse(f, 'Feb  6 12:14:14 localhost haproxy[14389]: 10.0.1.2:33317 [06/Feb/2009:12:14:14.655] http-in static/srv1 10/0/30/69/109 200 2750 - - ---- 1/1/1/1/0 0/0 {1wt.eu} {} "GET /index.html HTTP/1.1"');
    expect(r.upstreamMs).toEqual([69]);
    expect(r.preUpstreamMs).toBe(40);
  });
});

describe('Envoy default format lines', () => {
  const f = envoyLogFormat(ENVOY_DEFAULT);
  it('the documented example', () => {
    const r = parse(
      f,
      '[2016-04-15T20:17:00.310Z] "POST /api/v1/locations HTTP/2" 204 - 154 0 226 100 "10.0.35.28" "nsq2http" "cc21d9b0-cf5c-432b-8c7e-98aeb7988cd2" "locations" "tcp://10.0.2.1:80"',
    );
    expect(r.startMs).toBe(Date.UTC(2016, 3, 15, 20, 17, 0, 310));
    expect(r.responseMs).toBe(226);
    expect(r.upstreamMs).toEqual([100]);
    expect(r.upstreamAddr).toEqual(['tcp://10.0.2.1:80']);
    expect(r.upstreamStatus).toEqual([204]);
  });
  it('unset values are "-"; a raw quote in the user agent; response flags', () => {
    const r = parse(f, '[2024-01-02T03:04:05.006Z] "GET /x HTTP/1.1" 503 UF,URX 0 91 5 - "-" "Mo"zilla" "-" "web" "10.0.0.2:8080"');
    expect(r.upstreamMs).toEqual([NaN]);
    expect(r.status).toBe(503);
    expect(r.client).toBe('');
    const noHost = parse(f, '[2024-01-02T03:04:05.006Z] "GET /x HTTP/1.1" 0 DC 0 0 1 - "-" "curl/8" "-" "web" "-"');
    expect(noHost.upstreamAddr).toEqual([]);
  });
});
