import { SeededRandom } from './random.js';

/**
 * Creates cuid-style ids like the real API's: 25 characters, lowercase base 36, starting
 * with "c". The layout follows cuid v1: a time part, a counter, a fingerprint and a random
 * part. Time comes from the simulated clock and randomness from a seeded stream, so a
 * manual clock and a fixed seed give the same ids on every run.
 */
export class IdGenerator {
  private counter = 0;
  private readonly random: SeededRandom;
  private readonly fingerprint: string;

  constructor(seed: number) {
    this.random = new SeededRandom(seed);
    this.fingerprint = this.random.base36(4);
  }

  /** The counter and random position, for saving and restoring the generator. */
  get position(): { counter: number; random: number } {
    return { counter: this.counter, random: this.random.position };
  }

  set position(value: { counter: number; random: number }) {
    this.counter = value.counter;
    this.random.position = value.random;
  }

  next(nowMs: number): string {
    const time = pad(Math.max(0, Math.floor(nowMs)).toString(36), 8);
    const count = pad((this.counter++ % 36 ** 4).toString(36), 4);
    return flatten(`c${time}${count}${this.fingerprint}${this.random.base36(8)}`);
  }

}

/**
 * Copies a concatenated string into one flat string. A server keeps a million ids, and
 * V8 would otherwise keep each as a tree of its five parts.
 */
function flatten(text: string): string {
  const codes = new Array<number>(text.length);
  for (let i = 0; i < text.length; i++) codes[i] = text.charCodeAt(i);
  return String.fromCharCode(...codes);
}

function pad(text: string, length: number): string {
  return text.length >= length ? text.slice(-length) : text.padStart(length, '0');
}
