import { expect, it } from 'vitest'
import { run } from './cdnow.js'

it('imports the CDNOW sample and reproduces the published parameters', async () => {
  const lines = await run()
  expect(lines.slice(0, 4)).toEqual([
    'imported 6919 purchases of 2357 customers',
    'BG/NBD      r = 0.243, alpha = 4.414, a = 0.793, b = 2.426, log-likelihood -9582.4',
    'Pareto/NBD  r = 0.553, alpha = 10.578, s = 0.606, beta = 11.669, log-likelihood -9595.0',
    'Gamma-Gamma p = 6.25, q = 3.74, gamma = 15.44 dollars, on 946 repeat buyers',
  ])
  expect(lines[4]).toBe('top customers by BG/NBD CLV over the next 39 weeks:')
  expect(lines.slice(5)).toHaveLength(5)
}, 60_000)
