import { describe, expect, it } from 'vitest';
import { InputError } from '../../input/errors.js';
import { requireTiming } from './format.js';
import { haproxyLogFormat, HAPROXY_HTTPLOG } from './haproxy.js';
import { envoyLogFormat, ENVOY_DEFAULT } from './envoy.js';
import { csvFormat, envoyJsonFromSpec, jsonlFormat, splitCsv } from './mapped.js';
import { nginxLogFormat, NGINX_COMBINED, NGINX_SUGGESTED } from './nginx.js';
import { finishRecord, LogRecord } from './record.js';
import { logFormatFromSpec } from './spec.js';
import { parseClfTime, parseIsoTime } from './timestamps.js';

function parse(f: { parse(l: string, r: LogRecord): boolean }, line: string): LogRecord {
  const r = new LogRecord();
  expect(f.parse(line, r), line).toBe(true);
  finishRecord(r);
  return r;
}

describe('timestamps', () => {
  it('reads Common Log Format times with zone and HAProxy times with milliseconds', () => {
    expect(parseClfTime('10/Oct/2000:13:55:36 -0700')).toBe(Date.UTC(2000, 9, 10, 20, 55, 36));
    expect(parseClfTime('06/Feb/2009:12:14:14.655')).toBe(Date.UTC(2009, 1, 6, 12, 14, 14, 655));
    expect(parseClfTime('06/Foo/2009:12:14:14')).toBeNaN();
  });
  it('reads ISO 8601 with fractions and offsets', () => {
    expect(parseIsoTime('2024-02-28T10:15:30.123Z')).toBe(Date.UTC(2024, 1, 28, 10, 15, 30, 123));
    expect(parseIsoTime('2000-10-10T13:55:36+02:00')).toBe(Date.UTC(2000, 9, 10, 11, 55, 36));
    expect(parseIsoTime('yesterday')).toBeNaN();
  });
});

describe('nginx log_format', () => {
  it('parses the combined format (no timing: the error names the fields and how to add them)', () => {
    const f = nginxLogFormat(NGINX_COMBINED, { name: 'nginx log_format "combined"' });
    const r = parse(f, '127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif?x=1 HTTP/1.0" 200 2326 "http://example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)"');
    expect(r.client).toBe('127.0.0.1');
    expect(r.method).toBe('GET');
    expect(r.uri).toBe('/apache_pb.gif?x=1');
    expect(r.status).toBe(200);
    expect(f.timeResolutionMs).toBe(1000);
    expect(() => requireTiming(f, 'access.log')).toThrow(InputError);
    expect(() => requireTiming(f, 'access.log')).toThrow(/no upstream response time, no upstream server field.*\$upstream_response_time.*log_format timed/);
  });

  it('reads upstream lists: attempts, internal redirects, dashes; seconds become ms', () => {
    const f = nginxLogFormat(NGINX_SUGGESTED);
    const r = parse(
      f,
      '10.0.0.7 - - [10/Oct/2000:13:55:36 -0700] "POST /api/v1/items/42 HTTP/1.1" 200 12 "-" "curl/8" 971193336.120 0.040 0.012, 0.004 : 0.020 10.0.0.1:80, 10.0.0.2:80 : 10.0.0.3:80 502, 504 : 200',
    );
    expect(r.endMs).toBe(971193336120);
    expect(r.responseMs).toBe(40);
    expect(r.upstreamMs).toEqual([12, 4, 20]);
    expect(r.upstreamAddr).toEqual(['10.0.0.1:80', '10.0.0.2:80', '10.0.0.3:80']);
    expect(r.upstreamStatus).toEqual([502, 504, 200]);
    expect(r.arrivalMs).toBe(971193336080);
    expect(r.upstreamStartMs).toBe(971193336100);
    expect(f.timeResolutionMs).toBe(1);
    const dash = parse(f, '10.0.0.7 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 502 0 "-" "-" 971193336.120 3.001 - 10.0.0.1:80 -');
    expect(dash.upstreamMs).toEqual([NaN]);
    expect(dash.upstreamStatus).toEqual([0]);
  });

  it('escape=json values may hold escaped quotes; a non-matching line is rejected', () => {
    const f = nginxLogFormat('"$request" $request_time $upstream_response_time $upstream_addr $msec', { escape: 'json' });
    const r = parse(f, '"GET /a\\"b HTTP/1.1" 0.005 0.004 127.0.0.1:9001 1700000000.005');
    expect(r.upstreamMs).toEqual([4]);
    expect(f.parse('garbage', new LogRecord())).toBe(false);
  });

  it('takes the hash key from its variable and a session from a cookie', () => {
    const f = nginxLogFormat('$remote_addr $http_x_user $cookie_sid $msec $upstream_response_time $upstream_addr', { hashKey: { kind: 'header', name: 'X-User' } });
    const r = parse(f, '1.2.3.4 u17 abc 1700000000.000 0.010 a:1');
    expect(r.key).toBe('u17');
    expect(r.session).toBe('abc');
    expect(f.provides.has('key')).toBe(true);
  });
});

describe('HAProxy log-format', () => {
  it('parses the documented option httplog example, syslog header included', () => {
    const f = haproxyLogFormat(HAPROXY_HTTPLOG);
    const line =
      'Feb  6 12:14:14 localhost haproxy[14389]: 10.0.1.2:33317 [06/Feb/2009:12:14:14.655] http-in static/srv1 10/0/30/69/109 200 2750 - - ---- 1/1/1/1/0 0/0 {1wt.eu} {} "GET /index.html HTTP/1.1"';
    const r = parse(f, line);
    expect(r.client).toBe('10.0.1.2');
    expect(r.startMs).toBe(Date.UTC(2009, 1, 6, 12, 14, 14, 655));
    expect(r.upstreamAddr).toEqual(['srv1']);
    expect(r.upstreamMs).toEqual([69]);
    expect(r.responseMs).toBe(109);
    expect(r.queueMs).toBe(0);
    expect(r.preUpstreamMs).toBe(40);
    expect(r.upstreamStartMs).toBe(r.startMs + 40);
    expect(r.retries).toBe(0);
    expect(r.uri).toBe('/index.html');
    expect(r.status).toBe(200);
  });

  it('reads lines without captured headers (no braces), raw (no syslog header), aborted timers', () => {
    const f = haproxyLogFormat(HAPROXY_HTTPLOG);
    const r = parse(f, '127.0.0.1:40000 [06/Feb/2009:12:14:14.655] fe be/<NOSRV> -1/-1/-1/-1/0 503 217 - - SC-- 1/1/0/0/+3 0/0 "GET / HTTP/1.1"');
    expect(r.upstreamAddr).toEqual([]);
    expect(r.upstreamMs).toEqual([NaN]);
    expect(r.retries).toBe(3);
  });

  it('compiles custom log-formats with %o, escaped spaces and %%', () => {
    const f = haproxyLogFormat('%{+Q}o%ci\\ %tr\\ %s\\ %Tr\\ %Ta\\ 100%%');
    const r = parse(f, '"1.2.3.4" 06/Feb/2009:12:14:14.655 "srv2" 7 9 100%');
    expect(r.upstreamAddr).toEqual(['srv2']);
    expect(r.upstreamMs).toEqual([7]);
  });
});

describe('Envoy formats', () => {
  it('parses the default format', () => {
    const f = envoyLogFormat(ENVOY_DEFAULT);
    const r = parse(
      f,
      '[2024-02-28T10:15:30.123Z] "GET /api/users HTTP/2" 200 - 0 1234 45 40 "10.0.0.1" "curl/7.64.0" "abc-123-def" "api.example.com" "192.168.1.10:8080"',
    );
    expect(r.startMs).toBe(Date.UTC(2024, 1, 28, 10, 15, 30, 123));
    expect(r.responseMs).toBe(45);
    expect(r.upstreamMs).toEqual([40]);
    expect(r.upstreamAddr).toEqual(['192.168.1.10:8080']);
    expect(r.upstreamStatus).toEqual([200]);
    expect(r.client).toBe('10.0.0.1');
    expect(r.upstreamStartMs).toBe(r.startMs + 5);
  });

  it('reads JSON access logs through their json_format', () => {
    const f = envoyJsonFromSpec('ts=START_TIME,d=DURATION,ust=RESP(X-ENVOY-UPSTREAM-SERVICE-TIME),host=UPSTREAM_HOST,code=RESPONSE_CODE');
    const r = parse(f, '{"ts":"2024-02-28T10:15:30.123Z","d":12,"ust":"10","host":"10.1.1.1:80","code":503}');
    expect(r.upstreamMs).toEqual([10]);
    expect(r.upstreamStatus).toEqual([503]);
  });
});

describe('mapped formats', () => {
  it('JSON lines: units are required and applied', () => {
    expect(() => jsonlFormat('start=ts,upstream_time=rt:ms')).toThrow(/start=ts needs its unit/);
    expect(() => jsonlFormat('end=ts:s,upstream_time=rt')).toThrow(/upstream_time=rt needs its unit: upstream_time=rt:s\|ms\|us/);
    const f = jsonlFormat('end=t:s,upstream_time=up.rt:s,server=up.addr,response_time=rt:ms');
    const r = parse(f, '{"t":1700000000.5,"rt":12,"up":{"rt":"0.010","addr":"b1"}}');
    expect(r.endMs).toBe(1700000000500);
    expect(r.upstreamMs).toEqual([10]);
    expect(r.upstreamAddr).toEqual(['b1']);
    expect(f.parse('{not json', new LogRecord())).toBe(false);
  });

  it('CSV: quoting, a header naming the columns, or column numbers', () => {
    expect(splitCsv('a,"b, c",""""', ',')).toEqual(['a', 'b, c', '"']);
    expect(splitCsv('a,"open', ',')).toBeNull();
    const f = csvFormat('header,start=when:iso,upstream_time=svc:us,server=backend');
    f.readHeader!('backend,when,svc', 'x.csv');
    const r = parse(f, 'b2,2024-01-01T00:00:00.250Z,1500');
    expect(r.upstreamMs).toEqual([1.5]);
    expect(r.upstreamAddr).toEqual(['b2']);
    const g = csvFormat('start=2:ms,upstream_time=3:ms,server=1');
    expect(parse(g, 'b1,1000,4').upstreamMs).toEqual([4]);
  });

  it('--log-format names an unknown kind in its error', () => {
    expect(() => logFormatFromSpec('apache')).toThrow(/unknown log format "apache"/);
  });
});
