import { defineConfig } from 'tsup'

// ESM only: the command is run by Node, and its programmatic entry by ESM callers.
export default defineConfig({
  entry: { index: 'src/index.ts', main: 'src/main.ts' },
  format: ['esm'],
  dts: { entry: { index: 'src/index.ts' } },
  sourcemap: true,
  target: 'node20',
  tsconfig: 'tsconfig.build.json',
})
