import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const src = (path: string): string => fileURLToPath(new URL(path, import.meta.url))

export default defineConfig({
  resolve: {
    // Tests run against the sources; the examples and package checks run against the builds.
    alias: [
      { find: /^@lifeline\/core\/testing$/, replacement: src('./packages/core/src/testing/index.ts') },
      { find: /^@lifeline\/core$/, replacement: src('./packages/core/src/index.ts') },
      { find: /^@lifeline\/projections$/, replacement: src('./packages/projections/src/index.ts') },
      { find: /^@lifeline\/adapters-sqlite$/, replacement: src('./packages/adapters-sqlite/src/index.ts') },
      { find: /^@lifeline\/pipeline$/, replacement: src('./packages/pipeline/src/index.ts') },
      { find: /^@lifeline\/report-html$/, replacement: src('./packages/report-html/src/index.ts') },
      { find: /^@lifeline\/adapters-postgres$/, replacement: src('./packages/adapters-postgres/src/index.ts') },
    ],
  },
  test: {
    include: ['packages/*/src/**/*.spec.ts', 'examples/*/src/**/*.spec.ts'],
    testTimeout: 20_000,
    reporters: ['default', './scripts/summary-reporter.js'],
  },
})
