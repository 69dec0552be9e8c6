import { SeededRandom, seedFromText } from './random.js';

const COUNTER_RANGE = 36 ** 4;
const BASE36 = '0123456789abcdefghijklmnopqrstuvwxyz';
const C_CODE = 'c'.charCodeAt(0);
// Reused for every new id, since next() copies the codes into a string.
const idCodes = new Array<number>(25).fill(0);

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
    const time = Math.max(0, Math.floor(nowMs));
    const counter = this.counter++ % COUNTER_RANGE;
    // The id is written as character codes into one flat string: a server keeps a
    // million ids, and V8 would keep a concatenated one as a tree of its parts.
    const codes = idCodes;
    codes[0] = C_CODE;
    writeBase36(codes, 1, 8, time);
    writeBase36(codes, 9, 4, counter);
    for (let index = 0; index < 4; index++) codes[13 + index] = this.fingerprint.charCodeAt(index);
    for (let index = 17; index < 25; index++) codes[index] = BASE36.charCodeAt(Math.floor(this.random.next() * 36));
    return String.fromCharCode(...codes);
  }

  /** Skips counter values that ids derived from the last one use (see derivedIds). */
  reserve(count: number): void {
    this.counter += count;
  }
}

// Reused for every derived id: a read of a deployment derives one per service.
const derivedCodes = new Array<number>(25).fill(0);

/**
 * Returns the ids that the generator would have given 1 to `count` calls after `id`, each
 * with a random part drawn from `id` and its offset. Objects that belong to another, such
 * as a deployment's service deployments, get ids without storing them, and the same ids
 * after a restart. The generator must have reserved the offsets, so no later id repeats
 * one. The seed and the counter of `id` are read once for all the ids.
 */
export function derivedIds(id: string, count: number): string[] {
  const ids = new Array<string>(count);
  const seed = seedFromText(id);
  if (id.length !== 25 || id[0] !== 'c') {
    for (let offset = 1; offset <= count; offset++) ids[offset - 1] = `${id}${offset}${new SeededRandom(seed + offset).base36(8)}`;
    return ids;
  }

  // Time part and fingerprint are copied; the counter part moves on by the offset.
  for (let index = 0; index < 17; index++) derivedCodes[index] = id.charCodeAt(index);
  const counter = Number.parseInt(id.slice(9, 13), 36);
  for (let offset = 1; offset <= count; offset++) {
    const random = new SeededRandom(seed + offset);
    writeBase36(derivedCodes, 9, 4, (counter + offset) % COUNTER_RANGE);
    for (let index = 17; index < 25; index++) derivedCodes[index] = BASE36.charCodeAt(Math.floor(random.next() * 36));
    ids[offset - 1] = String.fromCharCode(...derivedCodes);
  }
  return ids;
}

/**
 * Writes the last `width` base-36 digits of `value` into `codes` from `start` on,
 * padded with zeros: the time part keeps its last 8 digits as cuid does.
 */
function writeBase36(codes: number[], start: number, width: number, value: number): void {
  let rest = value;
  for (let index = start + width - 1; index >= start; index--) {
    codes[index] = BASE36.charCodeAt(rest % 36);
    rest = Math.floor(rest / 36);
  }
}
