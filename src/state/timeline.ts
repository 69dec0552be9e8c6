import type { TimelineStep } from './model.js';

/**
 * Returns the status of a planned lifecycle at `nowMs`: the last step whose time is at or
 * before now, or the first step when now is earlier than all of them. Steps are sorted
 * by time, so the search is binary and a long timeline costs no more than a short one.
 */
export function statusAt<S extends string>(timeline: readonly TimelineStep<S>[], nowMs: number): S {
  const first = timeline[0];
  if (first === undefined) throw new Error('A timeline needs at least one step.');

  let low = 0;
  let high = timeline.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    const step = timeline[middle] as TimelineStep<S>;
    if (step.atMs <= nowMs) low = middle;
    else high = middle - 1;
  }
  return (timeline[low] as TimelineStep<S>).status;
}

/** Returns the time of the last step, when the lifecycle reaches its final status. */
export function endOf<S extends string>(timeline: readonly TimelineStep<S>[]): number {
  return timeline.at(-1)?.atMs ?? 0;
}
