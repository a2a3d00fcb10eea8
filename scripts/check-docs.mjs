// Keeps the docs' code samples true: every ```ts block in README.md and docs/*.md must be
// preceded by `<!-- example: PATH#REGION -->` and equal the lines between `// #region REGION`
// and `// #endregion` in that file, which CI type-checks and runs. `--write` refreshes them.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '..')
const write = process.argv.includes('--write')
const docs = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => join('docs', f)),
]

const region = (path, name) => {
  const lines = readFileSync(join(root, path), 'utf8').split('\n')
  const start = lines.findIndex((l) => l.trim() === `// #region ${name}`)
  const end = lines.findIndex((l, i) => i > start && l.trim() === '// #endregion')
  if (start < 0 || end < 0) throw new Error(`${path} has no region ${name}`)
  const body = lines.slice(start + 1, end)
  const indent = Math.min(...body.filter((l) => l.trim() !== '').map((l) => l.length - l.trimStart().length))
  return body.map((l) => l.slice(indent)).join('\n')
}

let problems = 0
for (const doc of docs) {
  const text = readFileSync(join(root, doc), 'utf8')
  const block = /(<!-- example: ([^#\s]+)#(\S+) -->\n)?```ts\n([\s\S]*?)```/g
  const updated = text.replace(block, (all, marker, path, name, body) => {
    if (marker === undefined) {
      problems++
      console.error(`${doc}: a ts code block has no <!-- example: PATH#REGION --> marker`)
      return all
    }
    const expected = region(path, name)
    if (body.trimEnd() !== expected.trimEnd()) {
      if (!write) {
        problems++
        console.error(`${doc}: the sample from ${path}#${name} differs from the file`)
      }
      return `${marker}\`\`\`ts\n${expected.trimEnd()}\n\`\`\``
    }
    return all
  })
  if (write && updated !== text) writeFileSync(join(root, doc), updated)
}
if (problems > 0) process.exit(1)
console.log(`docs samples match their example files (${docs.length} documents)`)
