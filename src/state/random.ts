/**
 * A small seeded pseudo-random generator (mulberry32). The simulation draws every random
 * choice from one of these, so the same seed gives the same ids and data on every run.
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** The generator's position in its stream, for saving and restoring it. */
  get position(): number {
    return this.state;
  }

  set position(value: number) {
    this.state = value >>> 0;
  }

  /** Returns a float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Returns an integer in [min, max], both ends included. */
  integer(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** Returns `length` lowercase hexadecimal characters, for example a git commit SHA. */
  hex(length: number): string {
    return this.characters(length, 16);
  }

  /** Returns `length` characters drawn from the lowercase base-36 alphabet. */
  base36(length: number): string {
    return this.characters(length, 36);
  }

  /**
   * Draws characters from the first `radix` of the base-36 alphabet. Building the string
   * from character codes gives one flat string, where `+=` in a loop would leave V8 a
   * chain of concatenation nodes that costs several times the memory of the text.
   */
  private characters(length: number, radix: number): string {
    const codes = new Array<number>(length);
    for (let i = 0; i < length; i++) codes[i] = BASE36_CODES[Math.floor(this.next() * radix)] ?? 48;
    return String.fromCharCode(...codes);
  }
}

const BASE36_CODES = [...'0123456789abcdefghijklmnopqrstuvwxyz'].map((character) => character.charCodeAt(0));

/** Derives a 32-bit seed from a text, so that each tenant and purpose gets its own stream. */
export function seedFromText(text: string): number {
  // FNV-1a: fast, stable across platforms, and good enough to spread seeds apart.
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
