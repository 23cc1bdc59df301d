/**
 * Seeded pseudo-random numbers for simulations and tests.
 *
 * `sfc32` (Chris Doty-Humphrey's small fast counter) seeded through
 * `splitmix32`: tiny, fast, and good enough for choosing delays and faults.
 * Not for cryptography. The same seed always gives the same sequence, so a
 * failing simulation is reproduced by its seed alone.
 *
 * @example
 * ```ts
 * import { Prng } from "@agora/shared/testing/prng";
 * const prng = new Prng(42);
 * const delayMs = prng.int(1, 5);
 * const lost = prng.chance(0.1);
 * ```
 *
 * @module
 */

/** A deterministic random stream created from a 32-bit seed. */
export class Prng {
  /** The seed this stream was created from (print it on failure). */
  readonly seed: number;
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  /** Creates a stream; seeds are reduced to 32 bits. */
  constructor(seed: number) {
    this.seed = seed;
    let state = Math.trunc(seed) >>> 0;
    const split = (): number => {
      // splitmix32: spreads a poor seed (0, 1, 2…) over all four words.
      state = (state + 0x9e3779b9) >>> 0;
      let z = state;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.#a = split();
    this.#b = split();
    this.#c = split();
    this.#d = split();
    // The first outputs of sfc32 are correlated with the seed: discard some.
    for (let i = 0; i < 12; i++) this.next();
  }

  /** A float in [0, 1). */
  next(): number {
    const t = (((this.#a + this.#b) >>> 0) + this.#d) >>> 0;
    this.#d = (this.#d + 1) >>> 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) >>> 0;
    this.#c = ((this.#c << 21) | (this.#c >>> 11)) >>> 0;
    this.#c = (this.#c + t) >>> 0;
    return t / 4294967296;
  }

  /** An integer in [minInclusive, maxInclusive]. */
  int(minInclusive: number, maxInclusive: number): number {
    return minInclusive +
      Math.floor(this.next() * (maxInclusive - minInclusive + 1));
  }

  /** A float in [min, max). */
  float(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  /** True with the given probability (0 never, 1 always). */
  chance(probability: number): boolean {
    return this.next() < probability;
  }

  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) {
      throw new RangeError("Cannot pick from an empty list");
    }
    return items[Math.floor(this.next() * items.length)];
  }

  /**
   * A new independent stream derived from this one, so that one component's
   * draws do not shift another's when a scenario changes.
   */
  fork(): Prng {
    return new Prng(Math.floor(this.next() * 4294967296));
  }
}

/**
 * mulberry32: a tiny seeded generator of floats in [0, 1), for tests that
 * only need `() => number` (the same seed always gives the same inputs).
 *
 * @example
 * ```ts
 * import { mulberry32 } from "@agora/shared/testing/prng";
 * const random = mulberry32(42);
 * random(); // the same number on every run
 * ```
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
