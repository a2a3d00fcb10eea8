// The docs check: every TypeScript sample in the docs is code that compiles and runs, as a
// user's project would run it (against the packed packages, not the workspace's sources).
//
// How to write a sample (the convention):
//
// - Every ```ts block in README.md, docs/*.md and packages/*/README.md is preceded by a marker
//   line naming where it comes from, a file of an example package (examples/NAME/src/...):
//     <!-- example: examples/quickstart/src/decider.spec.ts -->          the whole file
//     <!-- example: examples/quickstart/src/quickstart.ts#record -->     one region of it
//   A region is the lines between `// #region record` and the next `// #endregion`; regions do
//   not nest, and a region with no `// #endregion` before the next `// #region` (or the end of
//   the file) is an error. A region's block shows the file's imports first, so that every
//   sample says where its names come from.
// - The block must equal what the marker names; `node scripts/check-docs.mjs --write` rewrites
//   the blocks from the files. Other fenced blocks (```sh, ```text) are not checked.
// - The example package is a complete program: its `src` is copied into a temporary app that
//   installs the packed packages with npm (plus the registry dependencies the example's
//   package.json lists), type-checked there by tsc (strict, module nodenext), compiled, and run
//   with node as its `start` script says (`tsx src/main.ts ARGS` runs `node src/main.js ARGS`).
//   A referenced `*.spec.ts` file is run with vitest. Any type error, failed test or non-zero
//   exit fails the check.
//
// `--no-run` checks the markers only (fast, for editing docs).
import { existsSync, readdirSync, readFileSync, symlinkSync, writeFileSync, cpSync } from 'node:fs'
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

const write = process.argv.includes('--write')
const execute = !process.argv.includes('--no-run') && !write
const docs = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => join('docs', f)),
  ...readdirSync(join(root, 'packages'))
    .map((d) => join('packages', d, 'README.md'))
    .filter((f) => existsSync(join(root, f))),
]

let problems = 0
const problem = (message) => {
  problems++
  console.error(message)
}

/** The sample a marker names: the whole file, or the file's imports and one region. */
const sample = (path, name) => {
  if (!/^examples\/[^/]+\/src\/.+\.ts$/.test(path))
    throw new Error(`${path} is not a .ts file of an example package (examples/NAME/src/...)`)
  const text = readFileSync(join(root, path), 'utf8')
  if (name === undefined) return text.trimEnd()
  const lines = text.split('\n')
  const start = lines.findIndex((l) => l.trim() === `// #region ${name}`)
  if (start < 0) throw new Error(`${path} has no region ${name}`)
  const end = lines.findIndex((l, i) => i > start && /^\/\/ #(end)?region\b/.test(l.trim()))
  if (end < 0 || lines[end].trim() !== '// #endregion') {
    throw new Error(
      `${path}: region ${name} (line ${start + 1}) has no // #endregion before ${end < 0 ? 'the end of the file' : `the next region (line ${end + 1})`}`,
    )
  }
  const body = lines.slice(start + 1, end)
  const indent = Math.min(...body.filter((l) => l.trim() !== '').map((l) => l.length - l.trimStart().length))
  const imports = (text.match(/^import [\s\S]*?from '[^']+'\n/gm) ?? []).join('').trimEnd()
  return `${imports}\n\n${body
    .map((l) => l.slice(indent))
    .join('\n')
    .trimEnd()}`
}

// Every region of every example must be closed, used in a doc or not.
for (const example of readdirSync(join(root, 'examples'))) {
  const walk = (dir) =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
    )
  if (!existsSync(join(root, 'examples', example, 'src'))) continue
  for (const file of walk(join(root, 'examples', example, 'src')).filter((f) => f.endsWith('.ts'))) {
    const path = file.slice(root.length + 1)
    for (const m of readFileSync(file, 'utf8').matchAll(/^\s*\/\/ #region (\S+)/gm)) {
      try {
        sample(path, m[1])
      } catch (error) {
        problem(error.message)
      }
    }
  }
}

const referenced = new Set()
for (const doc of docs) {
  const text = readFileSync(join(root, doc), 'utf8')
  const block = /(<!-- example: ([^#\s]+?)(?:#(\S+))? -->\n)?```ts\n([\s\S]*?)```/g
  const updated = text.replace(block, (all, marker, path, name, body) => {
    if (marker === undefined) {
      problem(`${doc}: a ts code block has no <!-- example: PATH --> or <!-- example: PATH#REGION --> marker`)
      return all
    }
    let expected
    try {
      expected = sample(path, name)
    } catch (error) {
      problem(`${doc}: ${error.message}`)
      return all
    }
    referenced.add(path)
    if (body.trimEnd() !== expected) {
      if (!write)
        problem(
          `${doc}: the sample from ${name === undefined ? path : `${path}#${name}`} differs from the file (node scripts/check-docs.mjs --write)`,
        )
      return `${marker}\`\`\`ts\n${expected}\n\`\`\``
    }
    return all
  })
  if (write && updated !== text) writeFileSync(join(root, doc), updated)
}
if (problems > 0) process.exit(1)
console.log(`docs samples match their example files (${docs.length} documents, ${referenced.size} files)`)
if (!execute) process.exit(0)

// ---------------------------------------------------------------------------------------------
// Compile and run the examples the docs quote, in an app that installs the packed packages.

const examples = [...new Set([...referenced].map((p) => p.split('/')[1]))].sort()
const manifests = Object.fromEntries(
  examples.map((e) => [e, JSON.parse(readFileSync(join(root, 'examples', e, 'package.json'), 'utf8'))]),
)
const packs = packAll()
const registry = await serveRegistry(packs)
const app = tempDir('lifeline-docs-')
try {
  const dependencies = {
    typescript: workspaceVersion('typescript'),
    '@types/node': `^${workspaceVersion('@types/node').split('.')[0]}`,
    vitest: workspaceVersion('vitest'),
  }
  for (const manifest of Object.values(manifests)) {
    for (const [name, spec] of Object.entries({ ...manifest.dependencies, ...manifest.devDependencies })) {
      if (name === 'tsx') continue
      dependencies[name] = spec.startsWith('workspace:') ? packs.find((p) => p.name === name).version : spec
    }
  }
  writeJson(join(app.dir, 'package.json'), { name: 'docs-samples', private: true, type: 'module', dependencies })
  npmInstall(app.dir, registry)
  if (existsSync(join(app.dir, 'node_modules', 'better-sqlite3')))
    console.log(`better-sqlite3: ${provideSqliteBinding(app.dir)}`)
  for (const example of examples)
    cpSync(join(root, 'examples', example, 'src'), join(app.dir, 'examples', example, 'src'), { recursive: true })
  symlinkSync(join(root, 'data'), join(app.dir, 'data'))
  writeJson(join(app.dir, 'tsconfig.json'), {
    compilerOptions: {
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      noUncheckedIndexedAccess: true,
      exactOptionalPropertyTypes: true,
      verbatimModuleSyntax: true,
      skipLibCheck: true,
      types: ['node'],
    },
    include: ['examples/*/src/**/*.ts'],
  })
  const bin = (name) => join(app.dir, 'node_modules', '.bin', name)
  run(bin('tsc'), ['-p', 'tsconfig.json'], { cwd: app.dir })
  console.log(`compiled ${examples.map((e) => `examples/${e}`).join(', ')} against the packed packages`)
  for (const example of examples) {
    const start = manifests[example].scripts?.start
    const [tool, entry, ...args] = start?.split(/\s+/) ?? []
    if (tool !== 'tsx' || entry === undefined)
      throw new Error(`examples/${example}: its start script must be "tsx FILE [ARGS]", not ${JSON.stringify(start)}`)
    run(process.execPath, [entry.replace(/\.ts$/, '.js'), ...args], {
      cwd: join(app.dir, 'examples', example),
      capture: true,
    })
    console.log(`ran examples/${example} (${start})`)
  }
  const specs = [...referenced].filter((p) => p.endsWith('.spec.ts'))
  if (specs.length > 0) {
    run(bin('vitest'), ['run', ...specs.map((p) => p.replace(/\.ts$/, '.js'))], { cwd: app.dir, capture: true })
    console.log(`ran with vitest: ${specs.join(', ')}`)
  }
} catch (error) {
  console.error(error.stdout ?? '', error.stderr ?? '', error.message)
  process.exitCode = 1
} finally {
  registry.close()
  app.remove()
}
