/** Modules the playground's Vite config computes at build time (web/playground/vite.config.ts). */
declare module 'virtual:lbsim-presets' {
  /** Every shipped scenario (sims/): name and text. */
  const presets: { name: string; text: string }[];
  export default presets;
}

declare module 'virtual:lbsim-scenario-schema' {
  /** The scenario JSON Schema (src/scenario/json-schema.ts). */
  const schema: Record<string, unknown>;
  export default schema;
}
