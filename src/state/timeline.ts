import type { Timeline } from './model.js';

// Timelines with the same sequence of statuses share one statuses array, so a million
// deployments keep one copy of each plan's statuses and only their own times.
const sharedStatuses = new Map<string, readonly string[]>();

/** Builds a timeline from its steps in time order: each status applies from its time on. */
export function timelineOf<S extends string>(steps: readonly (readonly [S, number])[]): Timeline<S> {
  if (steps.length === 0) throw new Error('A timeline needs at least one step.');
  const statuses = steps.map(([status]) => status);
  const key = statuses.join(' ');
  let shared = sharedStatuses.get(key);
  if (shared === undefined) {
    shared = Object.freeze(statuses);
    sharedStatuses.set(key, shared);
  }
  return { statuses: shared as readonly S[], times: steps.map(([, atMs]) => atMs) };
}

/**
 * Returns the status of a planned lifecycle at `nowMs`: the last step whose time is at or
 * before now, or the first step when now is earlier than all of them. The search is
 * binary, so a long timeline costs no more than a short one.
 */
export function statusAt<S extends string>(timeline: Timeline<S>, nowMs: number): S {
  let low = 0;
  let high = timeline.times.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if ((timeline.times[middle] ?? Infinity) <= nowMs) low = middle;
    else high = middle - 1;
  }
  return timeline.statuses[low] as S;
}

/** Returns the time of the last step, when the lifecycle reaches its final status. */
export function endOf<S extends string>(timeline: Timeline<S>): number {
  return timeline.times.at(-1) ?? 0;
}

export function finalStatusOf<S extends string>(timeline: Timeline<S>): S {
  return timeline.statuses.at(-1) as S;
}
