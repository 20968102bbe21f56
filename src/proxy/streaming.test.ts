/**
 * Bodies are streamed both ways, never buffered whole: a 50 MB download and a 50 MB upload pass
 * through the proxy byte-for-byte while the proxy process's peak memory stays well below the body
 * size, and a reader (or backend) that stops reading stalls the other side (backpressure).
 *
 * Memory is measured on a proxy running in its own child process (Linux /proc: VmRSS before,
 * VmHWM — the peak — after; the peak is reset first through /proc/<pid>/clear_refs), so the test's
 * own client and backend buffers do not count.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fillPattern, startBackends, type TestBackend } from './testing/backends.js';
import { memoryOf, startProxyChild, type ProxyChild } from './testing/child.js';
import { startTestProxy, testConfig, waitFor } from './testing/harness.js';

const MB = 1024 * 1024;
const SIZE = 50 * MB;
const CHUNK = 64 * 1024;

/** sha256 of the first `n` bytes of the backends' pattern. */
function patternSha(n: number): string {
  const h = createHash('sha256');
  for (let off = 0; off < n; off += CHUNK) h.update(fillPattern(Buffer.allocUnsafe(Math.min(CHUNK, n - off)), off));
  return h.digest('hex');
}

/** A Readable of `n` pattern bytes, produced on demand. */
function patternStream(n: number): Readable {
  let off = 0;
  return new Readable({
    read() {
      if (off >= n) {
        this.push(null);
        return;
      }
      const len = Math.min(CHUNK, n - off);
      this.push(fillPattern(Buffer.allocUnsafe(len), off));
      off += len;
    },
  });
}

let backends: TestBackend[];
let dir: string;
const agent = new Agent({ connections: 4 });
const expectedSha = patternSha(SIZE);

beforeAll(async () => {
  backends = await startBackends('big');
  dir = mkdtempSync(join(tmpdir(), 'lbsim-stream-'));
});

afterAll(async () => {
  await agent.close();
  await Promise.all(backends.map((b) => b.stop()));
  rmSync(dir, { recursive: true, force: true });
});

/** Resets the peak-RSS counter of `pid` (Linux ≥ 4.0); false if not permitted. */
function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

describe('50 MB bodies through a proxy in its own process', () => {
  let child: ProxyChild;

  beforeAll(async () => {
    const file = join(dir, 'proxy.json');
    writeFileSync(
      file,
      JSON.stringify({ listen: '127.0.0.1:0', admin: false, strategy: 'round-robin', backends: [{ url: backends[0]!.url }] }),
    );
    child = await startProxyChild(file);
    // Warm up: connections, JIT, module loading — everything except the big bodies.
    for (let k = 0; k < 20; k++) {
      const r = await request(`${child.url}/bytes/${MB}`, { dispatcher: agent });
      await r.body.dump();
      const u = await request(`${child.url}/upload`, { dispatcher: agent, method: 'POST', body: patternStream(MB) });
      await u.body.dump();
    }
  });

  afterAll(async () => {
    child.proc.kill('SIGTERM');
    await child.exited;
  });

  it('downloads and uploads 50 MB byte-for-byte with the proxy peak RSS growing by far less than 50 MB', async () => {
    const canReset = resetPeak(child.pid);
    const before = memoryOf(child.pid);

    const down = await request(`${child.url}/bytes/${SIZE}`, { dispatcher: agent });
    expect(down.statusCode).toBe(200);
    expect(down.headers['content-length']).toBe(String(SIZE));
    const h = createHash('sha256');
    let got = 0;
    for await (const chunk of down.body) {
      h.update(chunk as Buffer);
      got += (chunk as Buffer).length;
    }
    expect(got).toBe(SIZE);
    expect(h.digest('hex')).toBe(expectedSha);

    const up = await request(`${child.url}/upload`, { dispatcher: agent, method: 'POST', body: patternStream(SIZE) });
    expect(up.statusCode).toBe(200);
    const seen = (await up.body.json()) as { bytes: number; sha256: string };
    expect(seen).toEqual({ name: 'big', bytes: SIZE, sha256: expectedSha });

    const after = memoryOf(child.pid);
    const peakGrowth = (canReset ? after.hwm : Math.max(after.hwm, after.rss)) - before.rss;
    // Buffering a whole body would need ≥ 50 MB; streaming needs a few socket/stream buffers
    // plus garbage not yet collected.
    console.log(`proxy child: rss before ${(before.rss / MB).toFixed(1)} MB, peak after ${(after.hwm / MB).toFixed(1)} MB, growth ${(peakGrowth / MB).toFixed(1)} MB (peak reset: ${canReset})`);
    expect(peakGrowth).toBeLessThan(25 * MB);
  });
});

describe('backpressure (in-process proxy)', () => {
  /** Polls `value` until it stops changing for 20 consecutive polls (10 ms apart). */
  async function settle(value: () => number): Promise<number> {
    let last = -1;
    let same = 0;
    await waitFor(() => {
      const v = value();
      same = v === last ? same + 1 : 0;
      last = v;
      return same >= 20;
    }, 'transfer to stall', 20_000);
    return last;
  }

  it('a client that stops reading stalls the backend (download), and the body still arrives intact', async () => {
    const proxy = await startTestProxy(testConfig(backends));
    const b = backends[0]!;
    try {
      const start = b.bytesWritten;
      const u = new URL(`${proxy.url}/bytes/${SIZE}`);
      const res = await new Promise<IncomingMessage>((resolve, reject) => {
        const req = httpRequest({ host: u.hostname, port: u.port, path: u.pathname, agent: false }, resolve);
        req.on('error', reject);
        req.end();
      });
      res.pause();
      const written = (await settle(() => b.bytesWritten)) - start;
      expect(written).toBeLessThan(SIZE / 2);
      const h = createHash('sha256');
      let got = 0;
      for await (const chunk of res) {
        h.update(chunk as Buffer);
        got += (chunk as Buffer).length;
      }
      expect(got).toBe(SIZE);
      expect(h.digest('hex')).toBe(expectedSha);
      await waitFor(() => proxy.balancer.leasesOutstanding === 0, 'lease released');
    } finally {
      await proxy.close();
    }
  });

  it('a backend that does not read stalls the client upload, then times out (504) after timeouts.idle', async () => {
    const proxy = await startTestProxy(testConfig(backends, { timeouts: { idle: 1000 } }));
    const b = backends[0]!;
    try {
      const u = new URL(`${proxy.url}/stall`);
      let pushed = 0;
      const src = patternStream(SIZE);
      const response = new Promise<number>((resolve, reject) => {
        const req = httpRequest({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST', agent: false, headers: { 'content-length': String(SIZE) } }, (res) => {
          res.resume();
          src.destroy();
          req.destroy();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        src.on('data', (c: Buffer) => {
          pushed += c.length;
          if (!req.write(c)) {
            src.pause();
            req.once('drain', () => src.resume());
          }
        });
      });
      await waitFor(() => b.seen.some((s) => s.url === '/stall'), 'upload reached the backend');
      const accepted = await settle(() => pushed);
      expect(accepted).toBeLessThan(SIZE / 2);
      expect(await response).toBe(504);
      await waitFor(() => proxy.balancer.leasesOutstanding === 0 && proxy.inProgress === 0, 'lease released');
      expect(proxy.snapshot().attemptErrors[b.url.slice(7)]?.timeout).toBe(1);
    } finally {
      await proxy.close();
    }
  });
});


