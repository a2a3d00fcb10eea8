import { defineConfig } from 'tsup'
import { common } from '../../tsup.shared.js'

// ESM only: the command is run by Node, and its programmatic entry by ESM callers.
export default defineConfig({
  ...common,
  entry: { index: 'src/index.ts', main: 'src/main.ts' },
  format: ['esm'],
})
