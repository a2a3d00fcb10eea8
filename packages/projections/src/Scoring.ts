/**
 * Lead scoring (METRICS.md, "Lead scoring and sales-ready leads"): a lead's score is the fit of
 * the channel of its first opt-in plus its `Nurtured` touches, each fading with a half-life.
 *
 * The decayed sum of touches is kept as one number and the instant it is valid at: between
 * touches it only decays (`x * 0.5 ^ (dt / halfLife)`), so the score at any later instant, and
 * at each touch, follows from those two numbers whatever the number of touches.
 */
import { Timestamp } from '@lifeline/core'
import * as E from 'fp-ts/lib/Either.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** The kinds of `Nurtured` touch (EVENTS.md). */
export const TOUCHES = ['email', 'sms', 'call', 'content', 'retargeting', 'event', 'other'] as const

/** A kind of `Nurtured` touch. */
export type Touch = (typeof TOUCHES)[number]

/** The scoring options as given (METRICS.md's names); each one left out takes its default. */
export interface Options {
  /** Points for the channel of the first opt-in, by channel. Default `{}`. */
  readonly channelPoints?: Readonly<Record<string, number>>
  /** Points for a channel not in `channelPoints`. Default 10. */
  readonly otherChannelPoints?: number
  /** Points per touch; names only the touches it changes, the others keep their defaults. */
  readonly touchPoints?: Readonly<Partial<Record<Touch, number>>>
  /** Days for a touch's points to halve. Default 30. */
  readonly halfLifeDays?: number
  /** The score at which a lead is sales-ready. Default 40. */
  readonly threshold?: number
}

/** The scoring options with every default filled in. */
export interface Settings {
  readonly channelPoints: Readonly<Record<string, number>>
  readonly otherChannelPoints: number
  readonly touchPoints: Readonly<Record<Touch, number>>
  readonly halfLifeDays: number
  readonly threshold: number
}

/** The default points of each touch. */
export const DEFAULT_TOUCH_POINTS: Readonly<Record<Touch, number>> = {
  email: 5,
  sms: 3,
  call: 15,
  content: 5,
  retargeting: 2,
  event: 15,
  other: 2,
}

/** The defaults of METRICS.md. */
export const DEFAULTS: Settings = {
  channelPoints: {},
  otherChannelPoints: 10,
  touchPoints: DEFAULT_TOUCH_POINTS,
  halfLifeDays: 30,
  threshold: 40,
}

/** The tolerance of the threshold: a score within it counts as reaching it. */
export const EPSILON = 1e-9

/** An option that is not valid: which one (a dotted path), its value and why. */
export interface InvalidOption {
  readonly _tag: 'InvalidOption'
  readonly option: string
  readonly value: unknown
  readonly reason: string
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/** An `InvalidOption`. */
export const invalid = (option: string, value: unknown, reason: string): InvalidOption => ({
  _tag: 'InvalidOption',
  option,
  value,
  reason,
})

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x)

const finite = (option: string, value: unknown): E.Either<InvalidOption, number> =>
  typeof value === 'number' && Number.isFinite(value) ? E.right(value) : E.left(invalid(option, value, 'not a number'))

/**
 * Checks scoring options read from JSON (a `--scoring` file, a request): an object with only
 * the options of METRICS.md, every points value a finite number (a touch's at least 0; a
 * channel's may be negative), every touch a known one, `halfLifeDays` a number above 0. The options back, typed, or the first thing wrong.
 */
export const decode = (input: unknown, path = 'scoring'): E.Either<InvalidOption, Options> => {
  if (!isRecord(input)) return E.left(invalid(path, input, 'not an object'))
  const known = ['channelPoints', 'otherChannelPoints', 'touchPoints', 'halfLifeDays', 'threshold']
  for (const key of Object.keys(input)) {
    if (!known.includes(key)) {
      return E.left(invalid(`${path}.${key}`, input[key], `not a scoring option (options: ${known.join(', ')})`))
    }
  }
  const out: {
    channelPoints?: Record<string, number>
    otherChannelPoints?: number
    touchPoints?: Partial<Record<Touch, number>>
    halfLifeDays?: number
    threshold?: number
  } = {}
  if (input.channelPoints !== undefined) {
    if (!isRecord(input.channelPoints)) {
      return E.left(invalid(`${path}.channelPoints`, input.channelPoints, 'not an object of channel -> points'))
    }
    const points: Record<string, number> = {}
    for (const [channel, value] of Object.entries(input.channelPoints)) {
      const n = finite(`${path}.channelPoints.${channel}`, value)
      if (E.isLeft(n)) return n
      points[channel] = n.right
    }
    out.channelPoints = points
  }
  if (input.touchPoints !== undefined) {
    if (!isRecord(input.touchPoints)) {
      return E.left(invalid(`${path}.touchPoints`, input.touchPoints, 'not an object of touch -> points'))
    }
    const points: Partial<Record<Touch, number>> = {}
    for (const [touch, value] of Object.entries(input.touchPoints)) {
      if (!(TOUCHES as readonly string[]).includes(touch)) {
        return E.left(invalid(`${path}.touchPoints.${touch}`, value, `not a touch (touches: ${TOUCHES.join(', ')})`))
      }
      const n = finite(`${path}.touchPoints.${touch}`, value)
      if (E.isLeft(n)) return n
      // A touch adds points: with a negative one, the score at an instant would depend on the
      // order of that instant's touches (METRICS.md scores an instant with all of them).
      if (n.right < 0) return E.left(invalid(`${path}.touchPoints.${touch}`, n.right, 'not a number of points >= 0'))
      points[touch as Touch] = n.right
    }
    out.touchPoints = points
  }
  for (const key of ['otherChannelPoints', 'threshold', 'halfLifeDays'] as const) {
    if (input[key] === undefined) continue
    const n = finite(`${path}.${key}`, input[key])
    if (E.isLeft(n)) return n
    if (key === 'halfLifeDays' && !(n.right > 0)) {
      return E.left(invalid(`${path}.halfLifeDays`, n.right, 'not a number of days > 0'))
    }
    out[key] = n.right
  }
  return E.right(out)
}

/** The options with the defaults filled in (call `decode` or `Ledger.validate` first on untrusted input). */
export const settings = (options: Options = {}): Settings => ({
  channelPoints: options.channelPoints ?? DEFAULTS.channelPoints,
  otherChannelPoints: options.otherChannelPoints ?? DEFAULTS.otherChannelPoints,
  touchPoints: { ...DEFAULT_TOUCH_POINTS, ...options.touchPoints },
  halfLifeDays: options.halfLifeDays ?? DEFAULTS.halfLifeDays,
  threshold: options.threshold ?? DEFAULTS.threshold,
})

// -------------------------------------------------------------------------------------
// destructors
// -------------------------------------------------------------------------------------

/** The fit of a channel: its `channelPoints`, or `otherChannelPoints` when it is not listed. */
export const fit = (s: Settings, channel: string): number =>
  Object.prototype.hasOwnProperty.call(s.channelPoints, channel) ? s.channelPoints[channel]! : s.otherChannelPoints

/** The half-life in ms: points decay as `0.5 ^ (Δt / halfLife)`. */
export const halfLifeMs = (s: Settings): number => s.halfLifeDays * Timestamp.MS_PER_DAY

/** `2 ^ -(j / 64)`, j = 0..63. */
const SIXTY_FOURTHS = Float64Array.from({ length: 64 }, (_, j) => Math.pow(2, -j / 64))
/** `2 ^ -k`, k = 0..1074 (the last ones subnormal): exact. */
const POWERS = Float64Array.from({ length: 1075 }, (_, k) => Math.pow(2, -k))

/** `ln 2 / 64`: `2 ^ -(r / 64)` is `exp(-r × LN2_64)`. */
const LN2_64 = Math.LN2 / 64

/**
 * `0.5 ^ x`, for a number of half-lives x: with `64x = n + r` (n whole, 0 <= r < 1), `2 ^ -x` is
 * `2 ^ -(n >> 6)` and `2 ^ -((n & 63) / 64)` from tables times `exp(−r ln 2 / 64)` by its Taylor
 * series to the 6th power (the rest is below 10^-17), the series summed in pairs of terms
 * (Estrin's scheme: a shorter chain of dependent operations than one term after another). Within
 * two units in the last place of `0.5 ** x` (a unit test compares them), and cheaper than
 * `Math.exp`, which cost as much as the rest of a touch's step (touches are most of a log's
 * events). 0 from 1075 half-lives on.
 */
export const halfPow = (x: number): number => {
  if (!(x >= 0 && x < 1075)) return x >= 1075 ? 0 : Math.pow(0.5, x)
  const y = x * 64
  const n = Math.floor(y)
  const w = (n - y) * LN2_64
  const w2 = w * w
  const p = 1 + w + w2 * (1 / 2 + w * (1 / 6) + w2 * (1 / 24 + w * (1 / 120) + w2 * (1 / 720)))
  return POWERS[n >> 6]! * SIXTY_FOURTHS[n & 63]! * p
}

/** `x` points valid at `since`, decayed to `at` (ms): `x × 0.5 ^ ((at − since) / halfLife)` (`halfPow`). */
export const decay = (s: Settings, x: number, since: number, at: number): number =>
  decayOver(halfLifeMs(s), x, since, at)

/** `decay` with the half-life in ms given (`halfLifeMs`), as a fold computes it once for every touch. */
export const decayOver = (halfLife: number, x: number, since: number, at: number): number =>
  x === 0 ? 0 : x * halfPow((at - since) / halfLife)

/** True when a score reaches the threshold (within `EPSILON`). */
export const reaches = (s: Settings, score: number): boolean => score >= s.threshold - EPSILON

/** An `InvalidOption` as one line: option, value and reason. */
export const formatInvalid = (e: InvalidOption): string =>
  `${e.option}: ${typeof e.value === 'number' ? String(e.value) : JSON.stringify(e.value)} is ${e.reason}`
