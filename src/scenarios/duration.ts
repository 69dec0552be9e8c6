import type { Duration } from './scenario.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };
const DURATION = /^([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)$/;

/** Converts a duration (milliseconds, or a string such as "90s" or "10m") to whole milliseconds. */
export function toMilliseconds(duration: Duration): number {
  if (typeof duration === 'number') {
    if (!Number.isFinite(duration) || duration < 0) throw new RangeError(`Invalid duration ${duration}: expected 0 or more milliseconds.`);
    return Math.floor(duration);
  }

  const match = DURATION.exec(duration.trim());
  if (match === null) {
    throw new RangeError(`Invalid duration '${duration}': expected milliseconds or a number with ms, s, m or h, such as "90s".`);
  }
  return Math.floor(Number(match[1]) * (UNIT_MS[match[2] ?? 'ms'] ?? 1));
}
