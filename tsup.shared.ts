import { defineConfig, type Options } from 'tsup'

/**
 * What every package's build shares: source maps, Node 20, the build tsconfig. Declarations are
 * not bundled: scripts/build-types.mjs writes them with tsc, one file per module, so users see
 * the names we wrote and one declaration of each type.
 */
export const common = {
  dts: false,
  sourcemap: true,
  target: 'node20',
  tsconfig: 'tsconfig.build.json',
  // import.meta.url in the CJS builds (the adapters resolve their drivers from their own folder).
  shims: true,
} as const satisfies Options

/** A library entry built as ESM and CJS. */
export const library = (entry: Record<string, string>) => defineConfig({ ...common, entry, format: ['esm', 'cjs'] })
