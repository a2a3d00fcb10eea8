import { expect, it } from 'vitest'
import { run } from './report.js'

it('prints the report figures, a composed fold, and the resumed report', async () => {
  expect(await run()).toEqual([
    // L = {ada, bob}; ada bought.
    'new leads 2, converted 0.5',
    'touches 1, revenue {"EUR":4900}',
    // After cy's two purchases: buyers ada and cy, cy twice: 1/2.
    'resumed at 6: repeat purchase rate 0.5',
  ])
})
