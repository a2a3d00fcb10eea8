// The fresh-app test: Lifeline as a new user meets it. It packs the packages as they would be
// published, serves them from a registry of their own on 127.0.0.1 (only the @lifeline scope;
// everything else comes from the npm registry), and with plain npm:
//   1. installs them into a new app, with typescript, @types/node and vitest;
//   2. type-checks an ESM and a CommonJS consumer (scripts/fresh-app/*.ts) under
//      `moduleResolution: bundler` and under `module: nodenext`, with skipLibCheck off once for
//      each declaration tree (.d.ts, .d.cts), so our declarations are checked too; compiles
//      and runs both consumers with node;
//   3. runs with vitest the contract-suite sample of docs/event-log.md and a test mixing the
//      main and testing entries' types (one CustomerId), against the in-memory log;
//   4. installs @lifeline/cli globally (npm install -g, a prefix of its own, install scripts
//      skipped): `lifeline demo` must first say in one line how to build better-sqlite3's
//      native binding; with it built, `lifeline demo` must run, and `lifeline export | head -2`
//      must stop quietly.
// Any type error, runtime error or unexpected output fails it.
import { spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  npmInstall,
  packAll,
  provideSqliteBinding,
  root,
  run,
  serveRegistry,
  tempDir,
  workspaceVersion,
  writeJson,
} from './packed-app.mjs'

const started = Date.now()
const step = (text) => console.log(`fresh app: ${text} (${((Date.now() - started) / 1000).toFixed(0)} s)`)
const fail = (text) => {
  throw new Error(text)
}
const packs = packAll()
const registry = await serveRegistry(packs)
const app = tempDir('lifeline-fresh-app-')
try {
  // 1. The app.
  const dependencies = Object.fromEntries(
    packs.filter((p) => p.name !== '@lifeline/cli').map((p) => [p.name, p.version]),
  )
  Object.assign(dependencies, {
    '@lifeline/cli': packs.find((p) => p.name === '@lifeline/cli').version,
    typescript: workspaceVersion('typescript'),
    '@types/node': `^${workspaceVersion('@types/node').split('.')[0]}`,
    vitest: workspaceVersion('vitest'),
    'fast-check': workspaceVersion('fast-check'),
  })
  writeJson(join(app.dir, 'package.json'), { name: 'fresh-app', private: true, type: 'module', dependencies })
  npmInstall(app.dir, registry)
  step(`installed ${packs.map((p) => p.name).join(', ')} with npm; better-sqlite3: ${provideSqliteBinding(app.dir)}`)

  // 2. The consumers, type-checked two ways, then compiled and run.
  const here = join(root, 'scripts', 'fresh-app')
  writeJson(join(app.dir, 'esm', 'package.json'), { type: 'module' })
  copyFileSync(join(here, 'esm-consumer.ts'), join(app.dir, 'esm', 'consumer.ts'))
  writeJson(join(app.dir, 'cjs', 'package.json'), { type: 'commonjs' })
  copyFileSync(join(here, 'cjs-consumer.ts'), join(app.dir, 'cjs', 'consumer.ts'))
  writeFileSync(join(app.dir, 'testing.spec.ts'), readFileSync(join(here, 'testing.spec.ts')))
  writeFileSync(
    join(app.dir, 'contract.spec.ts'),
    readFileSync(join(root, 'examples', 'quickstart', 'src', 'contract.spec.ts')),
  )
  const strict = {
    target: 'ES2022',
    strict: true,
    noUncheckedIndexedAccess: true,
    exactOptionalPropertyTypes: true,
    skipLibCheck: false,
    types: ['node'],
  }
  // Each program is one module system, as a project is: a program with both would load both the
  // .d.ts and the .d.cts declarations of a package (and fp-ts's HKT registry once per copy).
  const programs = {
    'bundler (ESM and CJS consumers)': {
      module: 'ESNext',
      moduleResolution: 'Bundler',
      noEmit: true,
      include: ['esm/*.ts', 'cjs/*.ts'],
    },
    // The .d.ts files were checked in the bundler program; the .d.cts ones are checked here.
    'nodenext, ESM consumer': {
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      skipLibCheck: true,
      include: ['esm/*.ts'],
    },
    'nodenext, CJS consumer': { module: 'NodeNext', moduleResolution: 'NodeNext', include: ['cjs/*.ts'] },
    // vitest's own declarations are large and not ours to check: skipLibCheck for the tests.
    'nodenext, the tests': {
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      noEmit: true,
      skipLibCheck: true,
      include: ['*.spec.ts'],
    },
  }
  const tsc = join(app.dir, 'node_modules', '.bin', 'tsc')
  for (const [name, { include, ...options }] of Object.entries(programs)) {
    const file = `tsconfig.${name.replace(/[^a-z]+/g, '-')}.json`
    writeJson(join(app.dir, file), { compilerOptions: { ...strict, ...options }, include })
    run(tsc, ['-p', file], { cwd: app.dir })
  }
  step(`type-checked: ${Object.keys(programs).join('; ')}`)
  for (const consumer of ['esm/consumer.js', 'cjs/consumer.js']) {
    const out = run(process.execPath, [consumer], { cwd: app.dir, capture: true })
    if (!/: ok\n$/.test(out)) fail(`${consumer} printed ${JSON.stringify(out)}`)
    step(out.trim())
  }

  // 3. The testing entry with vitest.
  const vitest = run(join(app.dir, 'node_modules', '.bin', 'vitest'), ['run', 'contract.spec.ts', 'testing.spec.ts'], {
    cwd: app.dir,
    capture: true,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
  })
  const tests = vitest.replace(/\u001b\[[0-9;]*m/g, '').match(/Tests\s+(\d+) passed/)
  if (tests === null) fail(`vitest printed ${vitest}`)
  step(`the contract-suite sample of docs/event-log.md and the testing-entry test pass (${tests[1]} tests)`)

  // 4. The CLI installed globally.
  const prefix = join(app.dir, 'global')
  run('npm', [
    'install',
    '-g',
    '--prefix',
    prefix,
    '--no-audit',
    '--no-fund',
    '--prefer-offline',
    '--ignore-scripts',
    '--loglevel=error',
    registry.flag,
    '@lifeline/cli',
  ])
  const lifeline = join(prefix, 'bin', 'lifeline')
  const db = join(app.dir, 'demo.db')
  const demo = () => spawnSync(lifeline, ['demo', '--customers', '40', '--db', db], { encoding: 'utf8' })
  const unbuilt = demo()
  const advice =
    /^lifeline demo: better-sqlite3's native binding is not built for Node \S+: run "npm rebuild better-sqlite3" in (\S+)\n$/.exec(
      unbuilt.stderr.replace(/^generating .*\n/, ''),
    )
  if (unbuilt.status !== 2 || advice === null)
    fail(`without the binding, lifeline demo said (${unbuilt.status}): ${unbuilt.stderr}`)
  if (!existsSync(join(advice[1], 'node_modules', 'better-sqlite3')))
    fail(`the advice names ${advice[1]}, which has no better-sqlite3`)
  step(`global lifeline without the native binding says, in one line: run "npm rebuild better-sqlite3" in ${advice[1]}`)
  const how = provideSqliteBinding(advice[1])
  const built = demo()
  if (built.status !== 0 || !built.stdout.includes(`The log is in ${db}`))
    fail(`lifeline demo (${built.status}): ${built.stderr}${built.stdout}`)
  step(`global lifeline demo runs (better-sqlite3: ${how})`)
  const piped = spawnSync('sh', ['-c', `"${lifeline}" export --db "${db}" | head -2; echo "status $?"`], {
    encoding: 'utf8',
  })
  const lines = piped.stdout.trim().split('\n')
  // It stops at the first write after head has gone; a log small enough for the pipe's buffer
  // is written whole before head exits, and then export reports its count, as usual.
  const quiet = /^(exported [\d,]+ event\(s\)\n)?$/.test(piped.stderr)
  if (!quiet || lines.length !== 3 || lines[2] !== 'status 0' || JSON.parse(lines[0]).type === undefined) {
    fail(`lifeline export | head -2 gave ${JSON.stringify(piped)}`)
  }
  step('global lifeline export | head -2 stops quietly')
} catch (error) {
  console.error(`fresh app: FAILED\n${error.stdout ?? ''}${error.stderr ?? ''}${error.message}`)
  process.exitCode = 1
} finally {
  registry.close()
  app.remove()
}
