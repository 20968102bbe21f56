/**
 * The emulated backend: FIFO slots and queue limit (503 at once beyond it), processor sharing,
 * demand from the header or its own draw, integrated busy time, and the crash / hang / slow / errors
 * faults — asserted on status codes and counters, never on elapsed time.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { EmulatedBackend, H_BACKEND, H_DEMAND, H_FULL, H_MEASURED, H_RESIDENCE, type EmulatedBackendSpec } from './backend-server.js';

const open: EmulatedBackend[] = [];

async function backend(patch: Partial<EmulatedBackendSpec> = {}): Promise<{ b: EmulatedBackend; url: string }> {
  const b = new EmulatedBackend({
    id: 'b0',
    workers: 1,
    discipline: 'fifo',
    queueLimit: null,
    speed: 1,
    service: { dist: 'constant', value: 5 },
    serviceIndex: 0,
    seed: 1,
    ...patch,
  });
  open.push(b);
  const port = await b.listen(0);
  return { b, url: `http://127.0.0.1:${port}` };
}

async function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown> }> {
  const r = await request(url, { headers });
  await r.body.dump();
  return { status: r.statusCode, headers: r.headers };
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((b) => b.close()));
});

describe('EmulatedBackend', () => {
  it('serves with its id and residence, counts measured requests, and integrates busy time', async () => {
    const { b, url } = await backend();
    const r = await get(url, { [H_DEMAND]: '3', [H_MEASURED]: '1' });
    expect(r.status).toBe(200);
    expect(r.headers[H_BACKEND]).toBe('b0');
    expect(Number(r.headers[H_RESIDENCE])).toBeGreaterThan(0);
    await get(url); // no demand header: draws its own (constant 5 ms)
    const s = b.snapshot();
    expect([s.requests, s.measured, s.served, s.refused, s.inSystem]).toEqual([2, 1, 2, 0, 0]);
    expect(s.busyArea).toBeGreaterThan(0);
    expect(s.serviceError.n).toBe(2);
  });

  it('fifo: one worker and queueLimit 0 refuses a second concurrent request at once with 503', async () => {
    const { b, url } = await backend({ queueLimit: 0 });
    const first = get(url, { [H_DEMAND]: '300' });
    // the second request arrives while the first is in service (300 ms)
    await new Promise((r) => setTimeout(r, 50));
    const second = await get(url, { [H_DEMAND]: '1' });
    expect(second.status).toBe(503);
    expect(second.headers[H_FULL]).toBe('1');
    expect((await first).status).toBe(200);
    expect(b.snapshot().refused).toBe(1);
  });

  it('fifo: with a queue, waiting requests are served in turn (mean queue > 0)', async () => {
    const { b, url } = await backend({ queueLimit: 5 });
    const rs = await Promise.all([1, 2, 3].map(() => get(url, { [H_DEMAND]: '20' })));
    expect(rs.map((r) => r.status)).toEqual([200, 200, 200]);
    const s = b.snapshot();
    expect(s.served).toBe(3);
    expect(s.queueArea).toBeGreaterThan(0);
  });

  it('ps: concurrent requests share the workers; beyond queueLimit extra they are refused', async () => {
    const { b, url } = await backend({ discipline: 'ps', workers: 1, queueLimit: 1 });
    const a = get(url, { [H_DEMAND]: '200' });
    const c = get(url, { [H_DEMAND]: '200' });
    await new Promise((r) => setTimeout(r, 50));
    const refused = await get(url, { [H_DEMAND]: '1' });
    expect(refused.status).toBe(503);
    expect([(await a).status, (await c).status]).toEqual([200, 200]);
    expect(b.snapshot().served).toBe(2);
  });

  it('faults: errors answer 500, crash refuses connections until recovery, hang is cut when it ends', async () => {
    const { b, url } = await backend();
    b.setErrors(1);
    expect((await get(url)).status).toBe(500);
    b.setErrors(0);
    expect((await get(url, { [H_DEMAND]: '1' })).status).toBe(200);

    b.crash();
    await expect(get(url)).rejects.toThrow();
    await b.recover();
    expect((await get(url, { [H_DEMAND]: '1' })).status).toBe(200);

    b.setHang(true);
    const held = get(url, { [H_DEMAND]: '1' });
    await new Promise((r) => setTimeout(r, 50));
    b.setHang(false);
    await expect(held).rejects.toThrow();
    expect((await get(url, { [H_DEMAND]: '1' })).status).toBe(200);
  });

  it('slow multiplies the service time (seen in the busy time); errors can carry a status', async () => {
    const { b, url } = await backend();
    b.setSlow(4);
    await get(url, { [H_DEMAND]: '10' });
    expect(b.snapshot().busyArea).toBeGreaterThanOrEqual(38); // 40 ms of service, timers fire at most ~1 ms early
    b.setSlow(1 / 4);
    b.setErrors(1, 503, 0.5);
    expect((await get(url, { [H_DEMAND]: '4' })).status).toBe(503);
    expect(b.snapshot().errors).toBe(1);
  });

  it('pause freezes a service in progress: it ends only after the pause', async () => {
    const { b, url } = await backend();
    const r = get(url, { [H_DEMAND]: '20' });
    await new Promise((res) => setTimeout(res, 5));
    b.setPause(true);
    let done = false;
    void r.then(() => (done = true));
    await new Promise((res) => setTimeout(res, 60)); // far beyond the 20 ms service
    expect(done).toBe(false);
    b.setPause(false);
    expect((await r).status).toBe(200);
  });

  it('close stops listening: connecting afterwards fails', async () => {
    const { b, url } = await backend();
    await b.close();
    await expect(get(url)).rejects.toThrow(/ECONNREFUSED|connect/);
  });
});
