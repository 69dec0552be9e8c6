import { toMilliseconds } from '../../scenarios/duration.js';
import { invalidField } from '../../state/errors.js';
import { formatIsoTime } from '../../state/timestamps.js';

/**
 * The latest time a JavaScript Date can represent, 8.64e15 ms after the epoch
 * (+275760-09-13T00:00:00.000Z); `new Date(8.64e15 + 1)` is an Invalid Date. A clock
 * past it cannot be formatted, so every later response would fail.
 */
export const LATEST_TIME_MS = 8.64e15;

/** The body of POST /__mock/clock, already validated against spec/control-api.yml. */
export interface ClockMove {
  advanceMs?: number;
  advance?: string;
  setTo?: string;
}

/**
 * Computes the time a clock move leads to: forward by `advanceMs`, then by `advance`,
 * then to `setTo`. Throws a DomainError that names the field when the move would go
 * backwards or past LATEST_TIME_MS, so a rejected move changes nothing.
 */
export function clockMoveTarget(nowMs: number, move: ClockMove): number {
  let targetMs = nowMs;

  if (move.advanceMs !== undefined) {
    targetMs += move.advanceMs;
    checkRepresentable(targetMs, 'advanceMs');
  }
  if (move.advance !== undefined) {
    targetMs += toMilliseconds(move.advance);
    checkRepresentable(targetMs, 'advance');
  }
  if (move.setTo !== undefined) {
    const setToMs = Date.parse(move.setTo);
    if (setToMs < targetMs) {
      throw invalidField({
        path: 'setTo',
        in: 'body',
        message: `must not be before ${formatIsoTime(targetMs)}, because the clock never goes backwards; got ${move.setTo}`,
      });
    }
    targetMs = setToMs;
  }
  return targetMs;
}

function checkRepresentable(targetMs: number, field: string): void {
  if (targetMs <= LATEST_TIME_MS) return;
  throw invalidField({
    path: field,
    in: 'body',
    message: `moves the clock past ${formatIsoTime(LATEST_TIME_MS)}, the latest time a Date can represent; use a smaller value`,
  });
}
