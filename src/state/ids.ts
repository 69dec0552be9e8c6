import { SeededRandom, seedFromText } from './random.js';

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

  /** Skips counter values that ids derived from the last one use (see derivedId). */
  reserve(count: number): void {
    this.counter += count;
  }
}

const COUNTER_RANGE = 36 ** 4;
const BASE36 = '0123456789abcdefghijklmnopqrstuvwxyz';
// Reused for every derived id: a read of a deployment derives one per service.
const derivedCodes = new Array<number>(25).fill(0);

/**
 * Returns the id that the generator would have given `offset` calls after `id`, with a
 * random part drawn from `id` and the offset. Objects that belong to another, such as a
 * deployment's service deployments, get ids without storing them, and the same ids after
 * a restart. The generator must have reserved the offsets, so no later id repeats one.
 */
export function derivedId(id: string, offset: number): string {
  const random = new SeededRandom(seedFromText(id) + offset);
  if (id.length !== 25 || id[0] !== 'c') return `${id}${offset}${random.base36(8)}`;

  // Time part and fingerprint are copied; the counter part moves on by the offset.
  for (let index = 0; index < 17; index++) derivedCodes[index] = id.charCodeAt(index);
  let counter = (Number.parseInt(id.slice(9, 13), 36) + offset) % COUNTER_RANGE;
  for (let index = 12; index >= 9; index--) {
    derivedCodes[index] = BASE36.charCodeAt(counter % 36);
    counter = Math.floor(counter / 36);
  }
  for (let index = 17; index < 25; index++) derivedCodes[index] = BASE36.charCodeAt(Math.floor(random.next() * 36));
  return String.fromCharCode(...derivedCodes);
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
