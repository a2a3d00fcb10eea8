import { describe, expect, it } from 'vitest'
import { bfgs, centralGradient, centralHessian, nelderMead } from './Optimize.js'

const rosenbrock = ([x, y]: readonly number[]) => (1 - x!) ** 2 + 100 * (y! - x! ** 2) ** 2
// ∂/∂x = -2(1 - x) - 400 x (y - x²), ∂/∂y = 200 (y - x²)
const rosenbrockGradient = ([x, y]: readonly number[]) => [
  -2 * (1 - x!) - 400 * x! * (y! - x! ** 2),
  200 * (y! - x! ** 2),
]

describe('Optimize', () => {
  it('Given the Rosenbrock function, When Nelder-Mead minimizes it from (-1.2, 1), Then it finds (1, 1)', () => {
    const m = nelderMead(rosenbrock, [-1.2, 1])
    expect(m.converged).toBe(true)
    expect(m.x[0]).toBeCloseTo(1, 6)
    expect(m.x[1]).toBeCloseTo(1, 6)
  })

  it('Given the Rosenbrock function and its gradient, When BFGS minimizes it, Then it finds (1, 1) in few evaluations', () => {
    const m = bfgs(rosenbrock, [-1.2, 1], {
      withGradient: (x) => ({ value: rosenbrock(x), gradient: rosenbrockGradient(x) }),
    })
    expect(m.converged).toBe(true)
    expect(m.x[0]).toBeCloseTo(1, 6)
    expect(m.x[1]).toBeCloseTo(1, 6)
    expect(m.evaluations).toBeLessThan(200)
  })

  it('Given the Rosenbrock function only, When BFGS minimizes it with central differences, Then it finds (1, 1)', () => {
    const m = bfgs(rosenbrock, [-1.2, 1])
    expect(m.converged).toBe(true)
    expect(m.x[0]).toBeCloseTo(1, 5)
    expect(m.x[1]).toBeCloseTo(1, 5)
  })

  it('Given a quadratic, When its derivatives are taken by central differences, Then they are exact', () => {
    // f = x² + 3xy + 2y² + x: ∇f = (2x + 3y + 1, 3x + 4y), H = [[2, 3], [3, 4]].
    const f = ([x, y]: readonly number[]) => x! ** 2 + 3 * x! * y! + 2 * y! ** 2 + x!
    const g = centralGradient(f, [1, -2])
    expect(g[0]).toBeCloseTo(2 - 6 + 1, 8)
    expect(g[1]).toBeCloseTo(3 - 8, 8)
    const h = centralHessian(f, [1, -2])
    expect(h[0]![0]).toBeCloseTo(2, 5)
    expect(h[0]![1]).toBeCloseTo(3, 5)
    expect(h[1]![0]).toBeCloseTo(3, 5)
    expect(h[1]![1]).toBeCloseTo(4, 5)
  })

  it('Given a function that is infinite in places, When BFGS steps there, Then it backs off and still finds the minimum', () => {
    // (x - 2)² on x > 0, +∞ elsewhere, from x = 0.1: the first steps overshoot into x <= 0 or not; the answer is 2.
    const f = ([x]: readonly number[]) => (x! > 0 ? (x! - 2) ** 2 : Number.POSITIVE_INFINITY)
    const m = bfgs(f, [0.1])
    expect(m.converged).toBe(true)
    expect(m.x[0]).toBeCloseTo(2, 6)
  })
})
