// `node --import ./ts-register.mjs entry.ts`: installs ts-hooks.mjs (see there). Test-only.
import { register } from 'node:module';

register('./ts-hooks.mjs', import.meta.url);
