/**
 * The scenario-link format of `share.ts` written synchronously with node:zlib (raw DEFLATE,
 * base64url), for the report writer, which links each embedded scenario to the playground.
 */
import { deflateRawSync } from 'node:zlib';
import { FRAGMENT_KEY } from './share.js';

/** `#s=…` for a scenario text. */
export function scenarioFragment(text: string): string {
  return `#${FRAGMENT_KEY}=${deflateRawSync(Buffer.from(text, 'utf8'), { level: 9 }).toString('base64url')}`;
}
