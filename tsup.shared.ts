import { defineConfig, type Options } from 'tsup'

/** What every package's build shares: declarations, source maps, Node 20, the build tsconfig. */
export const common = {
  dts: true,
  sourcemap: true,
  target: 'node20',
  tsconfig: 'tsconfig.build.json',
} as const satisfies Options

/** A library entry built as ESM and CJS with declarations for both. */
export const library = (entry: Record<string, string>) => defineConfig({ ...common, entry, format: ['esm', 'cjs'] })
