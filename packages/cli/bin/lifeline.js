#!/usr/bin/env node
// The `lifeline` command. A committed shim (not the build output) so that package managers can
// link the command at install time, before the workspace is built.
import { existsSync } from 'node:fs'

const main = new URL('../dist/main.js', import.meta.url)
if (!existsSync(main)) {
  process.stderr.write('lifeline: the CLI is not built yet; run `pnpm build` (or `npx -y pnpm@10 build`) first\n')
  process.exit(2)
}
await import(main.href)
