/**
 * Scenario links: the text survives the round trip (also non-ASCII), the report's synchronous
 * writer (node:zlib) and the page's CompressionStream agree on the format, and a damaged or
 * oversized link fails with a readable message instead of hanging or exhausting memory.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { scenarioFragment } from './share-node.js';
import { decodeScenario, encodeScenario, fragmentPayload, fromBase64Url, MAX_SHARED_BYTES, toBase64Url } from './share.js';

const TEXT = readFileSync(join(import.meta.dirname, '../../sims/backend-crash.yaml'), 'utf8') + '# ünïcödé ✓ 漢字\n';

describe('scenario links', () => {
  it('round-trips a scenario text through the fragment, shorter than the text', async () => {
    const payload = await encodeScenario(TEXT);
    expect(payload).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(payload.length).toBeLessThan(TEXT.length);
    expect(await decodeScenario(payload)).toBe(TEXT);
  });

  it('reads what the report writes with node:zlib, and the other way round', async () => {
    const fragment = scenarioFragment(TEXT);
    expect(fragment.startsWith('#s=')).toBe(true);
    expect(await decodeScenario(fragmentPayload(fragment)!)).toBe(TEXT);
    const payload = await encodeScenario(TEXT);
    expect(new TextDecoder().decode(await import('node:zlib').then((z) => z.inflateRawSync(fromBase64Url(payload))))).toBe(TEXT);
  });

  it('finds the payload among other fragment keys', () => {
    expect(fragmentPayload('#s=abc&x=1')).toBe('abc');
    expect(fragmentPayload('x=1&s=abc')).toBe('abc');
    expect(fragmentPayload('#other')).toBeNull();
    expect(fragmentPayload('')).toBeNull();
  });

  it('base64url round-trips every byte value', () => {
    const bytes = new Uint8Array(256).map((_x, i) => i);
    expect([...fromBase64Url(toBase64Url(bytes))]).toEqual([...bytes]);
  });

  it('rejects damaged links and links that expand beyond the limit', async () => {
    await expect(decodeScenario('not base64!')).rejects.toThrow(/not base64url/);
    await expect(decodeScenario('AAAA')).rejects.toThrow(/damaged/);
    await expect(decodeScenario(toBase64Url(deflateRawSync(Buffer.from([0xff, 0xfe, 0xfd]))))).rejects.toThrow(/not UTF-8/);
    const bomb = toBase64Url(deflateRawSync(Buffer.alloc(MAX_SHARED_BYTES + 1024, 0x61)));
    expect(bomb.length).toBeLessThan(20_000);
    await expect(decodeScenario(bomb)).rejects.toThrow(/larger than/);
  });
});
