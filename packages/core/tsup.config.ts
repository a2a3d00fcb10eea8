import { defineConfig } from 'tsup'
import { common } from '../../tsup.shared.js'

// vitest and fast-check are optional peers used only by the testing entry: never bundled.
const base = { ...common, external: ['vitest', 'fast-check'] }

// The main entry ships as ESM and CJS; the testing entry is ESM only, like vitest it runs in.
export default defineConfig([
  { ...base, entry: { index: 'src/index.ts' }, format: ['esm', 'cjs'] },
  { ...base, entry: { 'testing/index': 'src/testing/index.ts' }, format: ['esm'] },
])
