import { describe, expect, it } from 'vitest'
import * as Axis from './Axis.js'
import * as Format from './Format.js'

describe('numbers as the page writes them', () => {
  it('groups thousands and keeps the decimals asked for, the sign only when something shows', () => {
    expect(Format.fixed(1234567.891, 2)).toBe('1,234,567.89')
    expect(Format.fixed(-1234.5, 2)).toBe('-1,234.50')
    expect(Format.fixed(999, 0)).toBe('999')
    expect(Format.fixed(-0.004, 2)).toBe('0.00') // rounds to zero: no "-0.00"
    expect(Format.count(1000)).toBe('1,000')
    expect(Format.percent(0.1234)).toBe('12.3%')
    expect(Format.percent(null)).toBe('—')
  })

  it('writes money in its own currency’s minor units, never summed', () => {
    expect(Format.money(129900, 'USD')).toBe('1,299.00 USD')
    expect(Format.money(129900, 'JPY')).toBe('129,900 JPY') // no minor unit
    expect(Format.money(1234, 'KWD')).toBe('1.234 KWD') // three decimals
    expect(Format.money(-500, 'EUR')).toBe('-5.00 EUR')
    expect(Format.perCurrency({ EUR: 100, USD: 250 })).toBe('1.00 EUR, 2.50 USD')
    expect(Format.perCurrency({})).toBe('—')
  })

  it('labels axis ticks with the decimals they have, at most three', () => {
    expect(Axis.number(1200)).toBe('1,200')
    expect(Axis.number(2.5)).toBe('2.5')
    expect(Axis.number(-40)).toBe('-40')
    expect(Axis.number(0.1 + 0.2)).toBe('0.3')
    expect(Axis.monthTicks(['a', 'b', 'c', 'd', 'e'], 2)).toEqual(['a', 'd'])
    expect(Axis.monthLabel('2025-03')).toBe('Mar 2025')
  })
})
