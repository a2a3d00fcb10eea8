import { defineConfig } from 'tsup'
import { common } from '../../tsup.shared.js'

// The charting library and its server-side DOM are bundled into the build: one file loads in a
// fraction of the time of Plot's, d3's and linkedom's hundreds of modules, which matters to a
// command that draws one page and exits. Their licences go into dist/THIRD_PARTY_LICENSES.md
// (scripts/third-party-notices.mjs, from the build's metafile).
export default defineConfig({
  ...common,
  entry: { index: 'src/index.ts' },
  format: ['esm', 'cjs'],
  noExternal: [/^(?!@lifeline\/)/],
  external: ['canvas'],
  minify: true,
  metafile: true,
})
