import type { CompiledFault } from '../scenarios/compile-scenario.js';
import type { FaultStatus } from '../scenarios/scenario.js';
import type { FaultState } from '../state/fault-state.js';
import type { SeededRandom } from '../state/random.js';

/** The effect of the scenario's faults on one call. */
export interface FaultDecision {
  latencyMs: number;
  status: FaultStatus | null;
  retryAfterSeconds: number;
  drop: boolean;
  /** A short description for the journal and the response header, or null when nothing hit. */
  label: string | null;
}

const NO_FAULT: FaultDecision = { latencyMs: 0, status: null, retryAfterSeconds: 0, drop: false, label: null };

/**
 * Decides which faults hit a call. Probabilities and latency ranges are drawn from the
 * tenant's seeded fault stream, so the same calls fail on every run with the same seed.
 * Latencies add up; the first status or dropped connection wins.
 */
export function decideFaults(
  faults: readonly CompiledFault[],
  operationId: string,
  state: FaultState,
  random: SeededRandom,
  nowMs: number,
): FaultDecision {
  if (faults.length === 0) return NO_FAULT;

  let latencyMs = 0;
  let outcome: Pick<FaultDecision, 'status' | 'drop' | 'retryAfterSeconds'> | null = null;
  const labels: string[] = [];

  for (const fault of faults) {
    if (fault.operations !== null && !fault.operations.has(operationId)) continue;

    if (fault.rateLimit !== null) {
      const retryAfterSeconds = checkRateLimit(fault, state, nowMs);
      if (retryAfterSeconds !== null && outcome === null) {
        outcome = { status: 429, drop: false, retryAfterSeconds };
        labels.push(`rate limit ${fault.rateLimit.requests} per ${fault.rateLimit.windowMs} ms`);
      }
      continue;
    }

    // Once an earlier fault has decided the status or a drop, a fault without latency
    // cannot change this call, so it keeps its `times` count and takes no random draw.
    if (outcome !== null && fault.latency === null) continue;
    if (fault.times !== null && (state.remaining.get(fault.index) ?? fault.times) <= 0) continue;
    if (fault.probability < 1 && random.next() >= fault.probability) continue;
    if (fault.times !== null) state.remaining.set(fault.index, (state.remaining.get(fault.index) ?? fault.times) - 1);

    if (fault.latency !== null) {
      const delay = random.integer(fault.latency.minMs, fault.latency.maxMs);
      latencyMs += delay;
    }
    if (outcome === null && (fault.status !== null || fault.drop)) {
      outcome = { status: fault.status, drop: fault.drop, retryAfterSeconds: fault.retryAfterSeconds };
      labels.push(fault.drop ? 'drop' : `status ${fault.status ?? ''}`);
    }
  }

  if (latencyMs > 0) labels.unshift(`latency ${latencyMs} ms`);
  if (outcome === null && latencyMs === 0) return NO_FAULT;
  return {
    latencyMs,
    status: outcome?.status ?? null,
    drop: outcome?.drop ?? false,
    retryAfterSeconds: outcome?.retryAfterSeconds ?? 0,
    label: labels.join(', '),
  };
}

/** Counts the call in the fault's window; returns the seconds to wait when the limit is exceeded. */
function checkRateLimit(fault: CompiledFault, state: FaultState, nowMs: number): number | null {
  const limit = fault.rateLimit;
  if (limit === null) return null;

  const recent = (state.windows.get(fault.index) ?? []).filter((at) => at > nowMs - limit.windowMs);
  if (recent.length >= limit.requests) {
    state.windows.set(fault.index, recent);
    const oldest = recent[0] ?? nowMs;
    return Math.max(1, Math.ceil((oldest + limit.windowMs - nowMs) / 1000));
  }
  recent.push(nowMs);
  state.windows.set(fault.index, recent);
  return null;
}
