/** The lbsim version, read from package.json at startup. */
import { readFileSync } from 'node:fs';

/** Package version string. */
export const VERSION: string = (() => {
  try {
    const url = new URL('../../../package.json', import.meta.url); // dist/src/cli → repo root
    return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
  } catch {
    try {
      return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
    } catch {
      return '0.0.0';
    }
  }
})();
