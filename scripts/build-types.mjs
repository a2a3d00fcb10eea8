// Writes a package's declarations with tsc, one file per module, into dist/types: the names
// users read in hovers and errors are the names written in the sources (no bundler renames),
// every doc comment is kept, and every entry (`.`, `./testing`) imports the same files, so a
// type has one declaration whatever entry it comes from. Beside each `.d.ts` (ESM) it writes a
// `.d.cts` twin for `require`, whose relative imports name `.cjs` files.
// Run from a package folder (its `build` script): node ../../scripts/build-types.mjs
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '..')
const out = resolve('dist', 'types')
execFileSync(
  process.execPath,
  [
    join(root, 'node_modules', 'typescript', 'bin', 'tsc'),
    ...['-p', 'tsconfig.build.json', '--declaration', '--emitDeclarationOnly', '--outDir', out, '--rootDir', 'src'],
  ],
  { stdio: 'inherit' },
)

const walk = (dir) =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? walk(path) : [path]
  })
for (const file of walk(out).filter((f) => f.endsWith('.d.ts'))) {
  const text = readFileSync(file, 'utf8')
  const cjs = text.replace(/((?:from|import\()\s*['"]\.{1,2}\/[^'"]*?)\.js(['"])/g, '$1.cjs$2')
  writeFileSync(file.replace(/\.d\.ts$/, '.d.cts'), cjs)
}
