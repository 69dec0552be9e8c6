/**
 * Simulated time. Every lifecycle in the simulation is computed from `now()`, so the
 * clock alone decides how far a deployment or an invalidation has progressed.
 */
export interface Clock {
  /** Current simulated time in milliseconds since the Unix epoch. */
  now(): number;
  /** Moves simulated time forward by `ms` milliseconds. */
  advance(ms: number): void;
  /** Moves simulated time forward to `epochMs`; setting an earlier time is rejected. */
  set(epochMs: number): void;
  readonly mode: ClockMode;
  /** The clock's reading and offset, for saving it. */
  snapshot(): ClockSnapshot;
  /**
   * Restores a saved clock. A real clock keeps its offset, so time that passed while the
   * server was down counts; manual and scaled clocks continue from the saved reading.
   */
  restore(snapshot: ClockSnapshot): void;
}

export interface ClockSnapshot {
  nowMs: number;
  offsetMs: number;
}

export type ClockMode = 'real' | 'scaled' | 'manual';

export interface ClockOptions {
  mode: ClockMode;
  /** Simulated milliseconds per real millisecond, for the scaled mode. */
  speed?: number;
  /** Start time of a manual or scaled clock, in epoch milliseconds. */
  startMs?: number;
  /** Source of real time, replaceable so that tests of the scaled mode stay exact. */
  realNow?: () => number;
}

export class ClockError extends Error {}

/**
 * Creates a clock. The real and scaled modes follow the wall clock; the manual mode
 * stays still until `advance` or `set` moves it. All modes accept `advance` and `set`,
 * which add an offset, so a running server can still skip ahead.
 */
export function createClock(options: ClockOptions): Clock {
  const realNow = options.realNow ?? Date.now;
  const speed = options.speed ?? 1;
  if (!Number.isFinite(speed) || speed <= 0) {
    throw new ClockError(`Invalid clock speed ${String(speed)}: expected a number greater than 0.`);
  }

  const realStart = realNow();
  const simulatedStart = options.startMs ?? realStart;
  let offsetMs = 0;

  const source = (): number => {
    if (options.mode === 'manual') return simulatedStart;
    if (options.mode === 'real') return realNow();
    return simulatedStart + Math.floor((realNow() - realStart) * speed);
  };

  return {
    mode: options.mode,
    now: () => source() + offsetMs,
    advance(ms: number) {
      if (!Number.isFinite(ms) || ms < 0) {
        throw new ClockError(`Invalid clock advance ${String(ms)}: expected a number of milliseconds of 0 or more.`);
      }
      offsetMs += Math.floor(ms);
    },
    snapshot: () => ({ nowMs: source() + offsetMs, offsetMs }),
    restore(snapshot: ClockSnapshot) {
      offsetMs = options.mode === 'real' ? snapshot.offsetMs : snapshot.nowMs - source();
    },
    set(epochMs: number) {
      const current = source() + offsetMs;
      if (!Number.isFinite(epochMs) || epochMs < current) {
        throw new ClockError(
          `Invalid clock time ${String(epochMs)}: the clock never goes backwards, and it is at ${current} now.`,
        );
      }
      offsetMs += Math.floor(epochMs) - current;
    },
  };
}
