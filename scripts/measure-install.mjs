// Installs each packed package, with the tarballs of the workspace packages it depends on, into
// a fresh folder with plain npm, and prints how many packages and bytes that brings.
// Usage: node scripts/measure-install.mjs PACKS_DIR (the folder `pnpm pack` wrote the tarballs to)
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const packs = resolve(process.argv[2] ?? '.packs')
const tarballs = readdirSync(packs).filter((f) => f.endsWith('.tgz'))
const manifestOf = (tarball) =>
  JSON.parse(execFileSync('tar', ['-xOzf', join(packs, tarball), 'package/package.json'], { encoding: 'utf8' }))
const byName = new Map(tarballs.map((t) => [manifestOf(t).name, t]))
const workspaceClosure = (name, seen = new Set()) => {
  if (seen.has(name)) return seen
  seen.add(name)
  for (const dep of Object.keys(manifestOf(byName.get(name)).dependencies ?? {}))
    if (byName.has(dep)) workspaceClosure(dep, seen)
  return seen
}
const size = (dir) => Number(execFileSync('du', ['-sb', dir], { encoding: 'utf8' }).split('\t')[0])
const rows = []
for (const [name] of [...byName].sort()) {
  for (const peers of [false, true]) {
    const dir = mkdtempSync(join(tmpdir(), 'lifeline-size-'))
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'app', private: true }))
    const args = ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--prefer-offline']
    if (!peers) args.push('--legacy-peer-deps')
    execFileSync('npm', [...args, ...[...workspaceClosure(name)].map((n) => join(packs, byName.get(n)))], {
      cwd: dir,
      stdio: 'ignore',
    })
    const lock = JSON.parse(readFileSync(join(dir, 'node_modules', '.package-lock.json'), 'utf8'))
    const installed = Object.keys(lock.packages).filter((k) => k !== '')
    rows.push({ name, peers, packages: installed.length, bytes: size(join(dir, 'node_modules')) })
    rmSync(dir, { recursive: true, force: true })
  }
}
for (const r of rows)
  console.log(
    `${r.name.padEnd(28)} ${(r.peers ? 'with peers' : 'without peers').padEnd(14)} ${String(r.packages).padStart(4)} packages ${(r.bytes / 1e6).toFixed(1).padStart(7)} MB`,
  )
