/** The lbsim version in browser bundles: put in at build time (web/playground/vite.config.ts). */
declare const __LBSIM_VERSION__: string;

/** Package version string (the same as `src/cli/version.ts` reads from package.json). */
export const VERSION: string = __LBSIM_VERSION__;
