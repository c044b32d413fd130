/**
 * Seeded pseudo-random numbers for the emulators' generated worlds. The generator is sfc32 (Chris Doty-Humphrey's
 * "small fast counting" generator): 128 bits of state, 32-bit outputs, only additions, shifts and xors, so it is
 * fast in JavaScript and gives the same sequence on every platform. `Math.random` is never used: a world must be
 * reproducible from its seed. Vendor-specific generators (names, products, events) build on this one.
 */

const TWO_POW_32 = 4294967296;

const HEX_DIGITS: readonly number[] = Array.from('0123456789abcdef', (digit) => digit.charCodeAt(0));
const DASH = 45;
/** Character codes of the GUID being built, reused: `String.fromCharCode` then yields one flat 36-byte string. */
const guidCodes: number[] = new Array<number>(36).fill(DASH);

/** 32-bit FNV-1a of a string: turns labels and ids into seeds and stable small hashes. */
export function hashString(text: string, basis = 0x811c9dc5): number {
  let hash = basis | 0;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** One step of splitmix32: spreads a poor seed (0, 1, 2…) over all 32 bits before it enters the sfc32 state. */
function splitmix32(state: number): number {
  let z = (state + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** A seeded sfc32 generator with the helpers world generators need. */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /**
   * @param seed any finite number; its integer part (up to 2^53) selects the sequence.
   * @param stream a second 32-bit key, so independent parts of a world draw from independent sequences.
   */
  constructor(seed: number, stream = 0) {
    if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
    const whole = Math.trunc(seed);
    const low = whole >>> 0;
    const high = Math.floor(whole / TWO_POW_32) >>> 0;
    this.a = splitmix32(low);
    this.b = splitmix32(high ^ 0x6a09e667);
    this.c = splitmix32((stream >>> 0) ^ 0xbb67ae85);
    this.d = 1;
    // The first outputs of sfc32 still correlate with the seed words; discarding them is the author's advice.
    for (let i = 0; i < 15; i++) this.nextUint32();
  }

  /** A generator for one named part of a world: same seed and label → same sequence, labels independent. */
  static derive(seed: number, label: string): Random {
    return new Random(seed, hashString(label));
  }

  /** The next raw 32-bit output, as an unsigned integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A float in [0, 1). */
  float(): number {
    return this.nextUint32() / TWO_POW_32;
  }

  /** A float in [min, max). */
  between(min: number, max: number): number {
    return min + (max - min) * this.float();
  }

  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1));
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.float() < p;
  }

  /** A uniformly chosen element; throws on an empty list. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('cannot pick from an empty list');
    return items[Math.floor(this.float() * items.length)] as T;
  }

  /** A lowercase `8-4-4-4-12` GUID with the version-4 and RFC 4122 variant bits set. */
  guid(): string {
    // Concatenating hex pieces would leave a tree of cons strings (~400 bytes per GUID); a host keeps two.
    let at = 0;
    for (let word = 0; word < 4; word++) {
      let bits = this.nextUint32();
      if (word === 1) bits = ((bits & 0xffff0fff) | 0x00004000) >>> 0;
      if (word === 2) bits = ((bits & 0x3fffffff) | 0x80000000) >>> 0;
      for (let nibble = 0; nibble < 8; nibble++) {
        if (at === 8 || at === 13 || at === 18 || at === 23) at += 1;
        guidCodes[at++] = HEX_DIGITS[bits >>> 28] ?? DASH;
        bits = (bits << 4) >>> 0;
      }
    }
    return String.fromCharCode.apply(null, guidCodes);
  }

  /** `length` characters drawn uniformly from `alphabet`. */
  chars(alphabet: string, length: number): string {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(this.float() * alphabet.length)] ?? '';
    return out;
  }
}

/** Picks values in proportion to fixed weights. Built once per table, so each pick is one draw and a short scan. */
export class WeightedTable<T> {
  private readonly values: readonly T[];
  private readonly cumulative: Float64Array;
  readonly total: number;

  constructor(entries: ReadonlyArray<readonly [T, number]>) {
    const kept = entries.filter(([, weight]) => weight > 0);
    if (kept.length === 0) throw new RangeError('a weighted table needs at least one positive weight');
    this.values = kept.map(([value]) => value);
    this.cumulative = new Float64Array(kept.length);
    let sum = 0;
    kept.forEach(([, weight], i) => {
      sum += weight;
      this.cumulative[i] = sum;
    });
    this.total = sum;
  }

  get size(): number {
    return this.values.length;
  }

  pick(rng: Random): T {
    const target = rng.float() * this.total;
    const cumulative = this.cumulative;
    let lo = 0;
    let hi = cumulative.length - 1;
    // Binary search: the leaf-group tables of a large world have a few hundred entries.
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((cumulative[mid] ?? 0) > target) hi = mid;
      else lo = mid + 1;
    }
    return this.values[lo] as T;
  }
}
