import { defineConfig } from 'tsup'

const common = {
  dts: true,
  sourcemap: true,
  target: 'node20',
  tsconfig: 'tsconfig.build.json',
  external: ['vitest', 'fast-check'],
} as const

// The main entry ships as ESM and CJS; the testing entry is ESM only, like vitest it runs in.
export default defineConfig([
  { ...common, entry: { index: 'src/index.ts' }, format: ['esm', 'cjs'] },
  { ...common, entry: { 'testing/index': 'src/testing/index.ts' }, format: ['esm'] },
])
