/**
 * Test fixture: Debian's Chromium (`/usr/bin/chromium`, never a downloaded browser), driven
 * headless by playwright-core. Without the browser the tests are skipped with a message naming
 * the install command; in CI (CI=true) a missing browser is a failure, as the PostgreSQL tests do.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { chromium, type BrowserContext, type Page } from 'playwright-core'

/** Where the browser is. */
export const EXECUTABLE = process.env['LIFELINE_CHROMIUM'] ?? '/usr/bin/chromium'

/** Where the tests write their screenshots (left out of git). */
export const OUTPUT = resolve(import.meta.dirname, '..', '..', '..', 'test-output')

/** Whether to run the browser tests; throws in CI when the browser is missing. */
export const available = (): boolean => {
  if (existsSync(EXECUTABLE)) return true
  const message = `Chromium is not installed at ${EXECUTABLE}: install it with \`apt-get update && apt-get install -y chromium\``
  if (process.env['CI'] === 'true') throw new Error(`${message}; CI requires it`)
  console.warn(`${message}. Skipping the browser tests.`)
  return false
}

/** A headless browser with a fresh profile, removed on `close`. */
export interface Browser {
  readonly context: BrowserContext
  readonly close: () => Promise<void>
}

/** Starts the browser: headless, as root (no sandbox), no GPU, no background traffic, a fresh profile. */
export const launch = async (): Promise<Browser> => {
  const profile = mkdtempSync(join(tmpdir(), 'lifeline-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: EXECUTABLE,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  })
  return {
    context,
    close: async () => {
      await context.close()
      rmSync(profile, { recursive: true, force: true })
    },
  }
}

/** What happened while a page was open: console errors, uncaught errors, and every request. */
export interface Visit {
  readonly page: Page
  readonly errors: string[]
  /** Every URL the page asked for, the page itself included. */
  readonly requests: string[]
}

/**
 * Opens an HTML file. Every request other than the file itself is recorded and aborted, so
 * nothing leaves the machine even if the page asked.
 */
export const open = async (browser: Browser, file: string, width = 1280): Promise<Visit> => {
  const page = await browser.context.newPage()
  await page.setViewportSize({ width, height: 900 })
  const url = pathToFileURL(file).href
  const errors: string[] = []
  const requests: string[] = []
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') errors.push(`console.${m.type()}: ${m.text()}`)
  })
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`))
  page.on('request', (r) => requests.push(r.url()))
  await page.route('**/*', (route) => (route.request().url() === url ? route.continue() : route.abort()))
  await page.goto(url, { waitUntil: 'load' })
  return { page, errors, requests }
}

/** Full-page screenshots at 1280 and 390 pixels wide into the test-output folder; gives their paths. */
export const screenshots = async (visit: Visit, name: string): Promise<string[]> => {
  mkdirSync(OUTPUT, { recursive: true })
  const paths: string[] = []
  for (const width of [1280, 390]) {
    await visit.page.setViewportSize({ width, height: 900 })
    const path = join(OUTPUT, `${name}-${width}.png`)
    await visit.page.screenshot({ path, fullPage: true })
    paths.push(path)
  }
  await visit.page.setViewportSize({ width: 1280, height: 900 })
  return paths
}
