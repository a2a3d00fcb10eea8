import { defineConfig } from 'tsup'
import { common } from '../../tsup.shared.js'

// vitest and fast-check are optional peers used only by the testing entry: never bundled.
const base = { ...common, external: ['vitest', 'fast-check'] }

// The main entry ships as ESM and CJS. The testing entry is ESM only, like vitest it runs in,
// and is built with the main ESM entry so that both share one copy of core's code (chunks).
export default defineConfig([
  {
    ...base,
    entry: { index: 'src/index.ts', 'testing/index': 'src/testing/index.ts' },
    format: ['esm'],
    splitting: true,
  },
  { ...base, entry: { index: 'src/index.ts' }, format: ['cjs'] },
])
