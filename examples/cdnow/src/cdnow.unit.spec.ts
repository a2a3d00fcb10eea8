import { expect, it } from 'vitest'
import { run } from './cdnow.js'

it('imports the CDNOW sample, reproduces the published fits and standard errors, and checks them on the holdout', async () => {
  const lines = await run()
  expect(lines[0]).toBe('imported 6919 purchases of 2357 customers')
  // data/cdnow/README.md: BG/NBD r 0.243, alpha 4.414, a 0.793, b 2.426, LL -9582.4.
  expect(lines[1]).toMatch(
    /^BG\/NBD {6}r = 0\.243 \(.+\), alpha = 4\.414 \(.+\), a = 0\.793 \(.+\), b = 2\.426 \(.+\), log-likelihood -9582\.4$/,
  )
  // Pareto/NBD r 0.553, alpha 10.578, s 0.606, beta 11.67 (2 decimals); CLVTools' standard errors
  // r 0.0476, alpha 0.8427, s 0.1873 (beta's, 6.2105, moves with beta along its flat ridge).
  expect(lines[2]).toMatch(
    /^Pareto\/NBD {2}r = 0\.553 \(0\.0476\), alpha = 10\.578 \(0\.8427\), s = 0\.606 \(0\.1873\), beta = (11\.66[5-9]|11\.67[0-4]) \(6\.21\d\d\), log-likelihood -9595\.0$/,
  )
  // MBG/NBD r 0.525, alpha 6.183, a 0.891, b 1.614.
  expect(lines[3]).toMatch(
    /^MBG\/NBD {5}r = 0\.525 \(.+\), alpha = 6\.183 \(.+\), a = 0\.891 \(.+\), b = 1\.614 \(.+\), log-likelihood/,
  )
  expect(lines[4]).toBe('Gamma-Gamma p = 6.25, q = 3.74, gamma = 15.44 dollars, on 946 repeat buyers')
  // 1,882 distinct customer-days with a purchase in the holdout (sort -u on the file's columns 1 and 3).
  expect(lines[5]).toBe(
    'holdout 1997-10-01 .. 1998-06-30 (39 weeks): 1882 purchases; mean holdout purchases by calibration frequency:',
  )
  expect(lines.slice(7, 15).map((l) => l.trim().split(/\s+/)[0])).toEqual(['0', '1', '2', '3', '4', '5', '6', '7+'])
  // The customers by calibration frequency add up to the 2,357.
  expect(lines.slice(7, 15).reduce((s, l) => s + Number(l.trim().split(/\s+/)[1]), 0)).toBe(2357)
  expect(lines[16]).toMatch(/^model chosen: (bgnbd|mbgnbd|paretonbd) \(lowest mean absolute error/)
  expect(lines[17]).toBe('top customers by BG/NBD CLV over the next 39 weeks, with 90% intervals:')
  expect(lines.slice(18, 23)).toHaveLength(5)
  // Every customer falls in one tenth of P(alive); one-time buyers (1,411) have P(alive) 1 under BG/NBD.
  const tenths = lines[23]!.replace('P(alive) by tenths under BG/NBD: ', '').split(' ').map(Number)
  expect(tenths.reduce((s, n) => s + n, 0)).toBe(2357)
  expect(tenths[9]).toBeGreaterThanOrEqual(1411)
  // 2,457 repeat purchase days before the holdout and 1,882 in it (counted on the file).
  expect(lines[24]).toMatch(
    /^tracking: 78 weeks, 4339 repeat purchases by the end \(\d+ predicted\), 8 frequency rows$/,
  )
}, 60_000)
