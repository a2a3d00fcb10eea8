// Writes dist/THIRD_PARTY_LICENSES.md for a package whose build bundles other packages: every
// package the build's metafiles (tsup's `metafile: true`) list as an input, with its version and
// licence text. Run in the package's folder after tsup; removes the metafiles.
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const dist = join(process.cwd(), 'dist')
const metafiles = readdirSync(dist).filter((f) => /^metafile-.*\.json$/.test(f))
const roots = new Set()
for (const file of metafiles) {
  const { inputs } = JSON.parse(readFileSync(join(dist, file), 'utf8'))
  for (const input of Object.keys(inputs)) {
    const at = input.lastIndexOf('node_modules/')
    if (at < 0) continue
    const rest = input.slice(at + 'node_modules/'.length).split('/')
    const name = rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]
    roots.add(join(process.cwd(), input.slice(0, at), 'node_modules', name))
  }
  rmSync(join(dist, file))
}
const sections = [...roots]
  .map((root) => {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
    const licence = readdirSync(root).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f))
    const text =
      licence === undefined
        ? `(no licence file; package.json says ${manifest.license})`
        : readFileSync(join(root, licence), 'utf8').trim()
    return { name: manifest.name, text: `## ${manifest.name} ${manifest.version} (${manifest.license})\n\n${text}\n` }
  })
  .sort((a, b) => (a.name < b.name ? -1 : 1))
if (sections.length > 0) {
  writeFileSync(
    join(dist, 'THIRD_PARTY_LICENSES.md'),
    `# Third-party licences\n\nThis build bundles the following packages.\n\n${sections.map((s) => s.text).join('\n')}`,
  )
}
if (!existsSync(dist)) process.exit(1)
console.log(`${sections.length} bundled package licence(s) written to dist/THIRD_PARTY_LICENSES.md`)
