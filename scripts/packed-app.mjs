// What the docs check and the fresh-app test share: the workspace's packages packed as they
// would be published, served by a registry of their own on 127.0.0.1 (npm's per-scope registry
// setting sends @lifeline/* there and everything else to the npm registry as usual), installed
// with plain npm into a temporary app, and better-sqlite3's native binding provided.
import { execFileSync, spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const root = resolve(import.meta.dirname, '..')

/** Runs a command; its output goes to ours, or is returned with `capture`. */
export const run = (cmd, args, options = {}) =>
  execFileSync(cmd, args, {
    stdio: options.capture ? ['ignore', 'pipe', 'pipe'] : ['ignore', 'inherit', 'inherit'],
    encoding: 'utf8',
    ...options,
  })

/** The publishable packages, packed with `pnpm pack` (workspace:* rewritten) into .packs/tarballs. */
export const packAll = () => {
  const out = join(root, '.packs', 'tarballs')
  rmSync(out, { recursive: true, force: true })
  mkdirSync(out, { recursive: true })
  const packs = []
  for (const dir of readdirSync(join(root, 'packages'))) {
    const cwd = join(root, 'packages', dir)
    if (!existsSync(join(cwd, 'package.json'))) continue
    if (JSON.parse(readFileSync(join(cwd, 'package.json'), 'utf8')).private) continue
    const file = run('pnpm', ['pack', '--pack-destination', out], { cwd, capture: true }).trim().split('\n').at(-1)
    const manifest = JSON.parse(execFileSync('tar', ['-xOzf', file, 'package/package.json'], { encoding: 'utf8' }))
    packs.push({ name: manifest.name, version: manifest.version, manifest, file })
  }
  return packs
}

/** The registry's request handler: a packument per package, and the tarballs. */
const registryServer = (packs) => {
  const server = createServer((request, response) => {
    const path = decodeURIComponent(request.url ?? '/').replace(/^\//, '')
    const pack = packs.find((p) => path === p.name)
    const tarball = packs.find((p) => path === `${p.name}/-/${p.name.split('/')[1]}-${p.version}.tgz`)
    if (pack !== undefined) {
      const bytes = readFileSync(pack.file)
      const { address, port } = server.address()
      const version = {
        ...pack.manifest,
        _id: `${pack.name}@${pack.version}`,
        dist: {
          tarball: `http://${address}:${port}/${pack.name}/-/${pack.name.split('/')[1]}-${pack.version}.tgz`,
          shasum: createHash('sha1').update(bytes).digest('hex'),
          integrity: `sha512-${createHash('sha512').update(bytes).digest('base64')}`,
        },
      }
      response.setHeader('content-type', 'application/json')
      response.end(
        JSON.stringify({
          name: pack.name,
          'dist-tags': { latest: pack.version },
          versions: { [pack.version]: version },
        }),
      )
    } else if (tarball !== undefined) {
      response.setHeader('content-type', 'application/octet-stream')
      response.end(readFileSync(tarball.file))
    } else {
      response.statusCode = 404
      response.end('{}')
    }
  })
  return server
}

/**
 * Serves the packed packages as an npm registry on 127.0.0.1, in a process of its own (the
 * scripts run npm synchronously, which would block a server in their own process). Returns its
 * URL, the npm flag that routes the @lifeline scope to it, and `close`.
 */
export const serveRegistry = async (packs) => {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), 'serve'], {
    env: { ...process.env, LIFELINE_PACKS: JSON.stringify(packs) },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const url = await new Promise((done, fail) => {
    child.stdout.once('data', (chunk) => done(chunk.toString().trim()))
    child.once('exit', (code) => fail(new Error(`the registry stopped (${code})`)))
  })
  return {
    url,
    flag: `--@lifeline:registry=${url}`,
    close: () => {
      child.kill()
    },
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === 'serve') {
  const server = registryServer(JSON.parse(process.env.LIFELINE_PACKS))
  server.listen(0, '127.0.0.1', () => console.log(`http://127.0.0.1:${server.address().port}/`))
}

/** The version of `name` the workspace installed (for tools pinned to what the workspace tests with). */
export const workspaceVersion = (name) => {
  for (const base of [root, ...readdirSync(join(root, 'packages')).map((d) => join(root, 'packages', d))]) {
    const file = join(base, 'node_modules', name, 'package.json')
    if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')).version
  }
  throw new Error(`${name} is not installed in the workspace`)
}

/** A fresh folder for an app, removed by `remove()` (kept with KEEP_APPS=1, to look into). */
export const tempDir = (prefix) => {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  return { dir, remove: () => process.env.KEEP_APPS || rmSync(dir, { recursive: true, force: true }) }
}

/**
 * npm install in `dir`, @lifeline/* from `registry`. Install scripts are skipped (so is
 * better-sqlite3's two-minute compile): call `provideSqliteBinding` where the binding is needed.
 */
export const npmInstall = (dir, registry, args = []) =>
  run(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      '--ignore-scripts',
      '--loglevel=error',
      registry.flag,
      ...args,
    ],
    {
      cwd: dir,
    },
  )

/**
 * Gives the better-sqlite3 installed under `projectDir` its native binding, as its install
 * script would: the workspace's build when it is the same version (same Node, same machine),
 * else one cached by an earlier run, else `npm rebuild better-sqlite3` (what the CLI advises;
 * minutes), whose result is cached. Returns how the binding was provided.
 */
export const provideSqliteBinding = (projectDir) => {
  const packageDir = join(projectDir, 'node_modules', 'better-sqlite3')
  const binding = join(packageDir, 'build', 'Release', 'better_sqlite3.node')
  if (existsSync(binding)) return 'already built'
  const version = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')).version
  const key = `better-sqlite3-${version}-${process.platform}-${process.arch}-abi${process.versions.modules}.node`
  const cache = join(root, 'node_modules', '.cache', 'lifeline', key)
  const workspace = join(root, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node')
  mkdirSync(dirname(binding), { recursive: true })
  if (workspaceVersion('better-sqlite3') === version && existsSync(workspace)) {
    copyFileSync(workspace, binding)
    return `copied the workspace's build of better-sqlite3 ${version}`
  }
  if (existsSync(cache)) {
    copyFileSync(cache, binding)
    return `copied a cached build of better-sqlite3 ${version}`
  }
  run('npm', ['rebuild', 'better-sqlite3', '--loglevel=error'], { cwd: projectDir })
  mkdirSync(dirname(cache), { recursive: true })
  copyFileSync(binding, cache)
  return `built better-sqlite3 ${version} with npm rebuild (cached for next time)`
}

/** Writes JSON. */
export const writeJson = (file, value) => {
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`)
}
