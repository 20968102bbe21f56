/**
 * Scenario links: the playground keeps the scenario's text in the URL fragment, so a link
 * reproduces the run (the fragment never leaves the browser). Format: `#s=` followed by the UTF-8
 * text compressed with raw DEFLATE (RFC 1951, `CompressionStream('deflate-raw')`) and written in
 * base64url without padding (RFC 4648 §5). Works in browsers and in Node 20 (both have
 * CompressionStream); `share-node.ts` writes the same format synchronously for the report.
 */

/** The fragment key of the scenario. */
export const FRAGMENT_KEY = 's';
/** Longest scenario text a link may expand to (bytes): a crafted link cannot exhaust memory. */
export const MAX_SHARED_BYTES = 4 * 1024 * 1024;

/** Bytes as base64url without padding. */
export function toBase64Url(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** base64url (padding optional) as bytes; throws on other characters. */
export function fromBase64Url(text: string): Uint8Array<ArrayBuffer> {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error('the link holds characters that are not base64url');
  const bin = atob(text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

async function pipe(bytes: Uint8Array<ArrayBuffer>, stream: CompressionStream | DecompressionStream, limit: number): Promise<Uint8Array> {
  const reader = new Blob([bytes]).stream().pipeThrough(stream).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit) {
      await reader.cancel();
      throw new Error(`the scenario in the link is larger than ${limit} bytes`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** The fragment payload (without `#s=`) of a scenario text. */
export async function encodeScenario(text: string): Promise<string> {
  return toBase64Url(await pipe(new TextEncoder().encode(text), new CompressionStream('deflate-raw'), Number.POSITIVE_INFINITY));
}

/** The scenario text of a fragment payload. @throws Error with a readable message when it is not one */
export async function decodeScenario(payload: string): Promise<string> {
  let bytes: Uint8Array;
  try {
    bytes = await pipe(fromBase64Url(payload), new DecompressionStream('deflate-raw'), MAX_SHARED_BYTES);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new Error(msg.startsWith('the ') ? msg : 'the link is damaged (its scenario does not decompress)');
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new Error('the link is damaged (its scenario is not UTF-8 text)');
  }
}

/** The `s` payload of a fragment (`#s=…`, with or without the `#`, other keys ignored), or null. */
export function fragmentPayload(hash: string): string | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  return params.get(FRAGMENT_KEY);
}
