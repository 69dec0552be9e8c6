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
    let text = '';
    for (let i = 0; i < length; i++) text += BASE36[Math.floor(this.next() * 16)];
    return text;
  }

  /** Returns `length` characters drawn from the lowercase base-36 alphabet. */
  base36(length: number): string {
    let text = '';
    for (let i = 0; i < length; i++) text += BASE36[Math.floor(this.next() * 36)];
    return text;
  }
}

const BASE36 = '0123456789abcdefghijklmnopqrstuvwxyz';

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
