// Fails when a package's modules import each other in a cycle (relative imports, type-only
// imports included: a type cycle still couples the modules).
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '..')
const files = []
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) walk(path)
    else if (/\.ts$/.test(name) && !/\.spec\.ts$/.test(name)) files.push(path)
  }
}
for (const base of ['packages', 'examples']) {
  for (const pkg of readdirSync(join(root, base))) {
    try {
      walk(join(root, base, pkg, 'src'))
    } catch {
      // a folder without src
    }
  }
}

const graph = new Map()
for (const file of files) {
  const text = readFileSync(file, 'utf8')
  const deps = [...text.matchAll(/(?:import|export)[^'"]*?from\s+['"](\.[^'"]+)['"]/g)].map((m) =>
    resolve(dirname(file), m[1].replace(/\.js$/, '.ts')),
  )
  graph.set(file, deps)
}

const state = new Map()
const stack = []
const cycles = []
const visit = (file) => {
  state.set(file, 'open')
  stack.push(file)
  for (const dep of graph.get(file) ?? []) {
    if (state.get(dep) === 'open') cycles.push([...stack.slice(stack.indexOf(dep)), dep])
    else if (!state.has(dep)) visit(dep)
  }
  stack.pop()
  state.set(file, 'done')
}
for (const file of graph.keys()) if (!state.has(file)) visit(file)

if (cycles.length > 0) {
  for (const cycle of cycles) console.error(`import cycle: ${cycle.map((f) => relative(root, f)).join(' -> ')}`)
  process.exit(1)
}
console.log(`no import cycles in ${graph.size} modules`)
