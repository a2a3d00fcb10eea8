// Packs every publishable package as pnpm would publish it, then checks the tarball with
// publint (package.json and files) and @arethetypeswrong/cli (types for import and require).
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '..')
const packs = join(root, '.packs')
rmSync(packs, { recursive: true, force: true })
mkdirSync(packs)
const bin = (name) => join(root, 'node_modules', '.bin', name)
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' })

let failed = 0
for (const dir of readdirSync(join(root, 'packages'))) {
  const cwd = join(root, 'packages', dir)
  if (!existsSync(join(cwd, 'package.json'))) continue
  const manifest = JSON.parse(readFileSync(join(cwd, 'package.json'), 'utf8'))
  if (manifest.private) continue
  // Run through `pnpm check:packages`, which puts pnpm on the PATH; pnpm rewrites workspace:*.
  const packed = run('pnpm', ['pack', '--pack-destination', packs], cwd)
  const tarball = packed.trim().split('\n').at(-1)
  // Entries marked ESM-only (an `import` condition and no `require`), such as a vitest-based
  // testing entry, are checked with attw's esm-only profile.
  const esmOnly = Object.entries(manifest.exports ?? {})
    .filter(([, e]) => typeof e === 'object' && e.import !== undefined && e.require === undefined)
    .map(([subpath]) => subpath)
  const checks = [
    ['publint', ['run', tarball, '--strict']],
    ['attw', [tarball, '--no-color', ...(esmOnly.length > 0 ? ['--exclude-entrypoints', ...esmOnly] : [])]],
    ...(esmOnly.length > 0
      ? [['attw', [tarball, '--no-color', '--profile', 'esm-only', '--entrypoints', ...esmOnly]]]
      : []),
  ]
  for (const [name, args] of checks) {
    try {
      const out = run(bin(name), args, cwd)
      console.log(`${manifest.name}: ${name} ok`)
      if (process.env.VERBOSE) console.log(out)
    } catch (error) {
      failed++
      console.error(`${manifest.name}: ${name} failed\n${error.stdout ?? error}`)
    }
  }
  // The built files must load in both module systems, with their dependencies as installed.
  // ESM-only entries are for test runners (vitest refuses to load outside its own run).
  for (const [subpath, entry] of Object.entries(manifest.exports ?? {})) {
    if (subpath.endsWith('.json') || esmOnly.includes(subpath)) continue
    const specifier = join(manifest.name, subpath)
    for (const [kind, code] of [
      ['require', `require(${JSON.stringify(specifier)})`],
      ['import', `await import(${JSON.stringify(specifier)})`],
    ]) {
      try {
        run(process.execPath, kind === 'import' ? ['--input-type=module', '-e', code] : ['-e', code], cwd)
        console.log(`${specifier}: loads with ${kind}`)
      } catch {
        failed++
        console.error(`${specifier}: fails to load with ${kind} (${JSON.stringify(entry[kind] ?? entry)})`)
      }
    }
  }
}
if (failed > 0) {
  console.error(`${failed} package check(s) failed`)
  process.exit(1)
}
