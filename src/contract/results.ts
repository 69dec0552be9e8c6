import type { Exchange } from './http-exchange.js';

/** A place in a response body where it breaks the contract, as a JSON pointer. */
export interface Violation {
  pointer: string;
  message: string;
}

export type Outcome = 'passed' | 'failed' | 'skipped';

/** The result of one check: a request or a flow, against one operation. */
export interface CheckResult {
  operationId: string;
  check: string;
  outcome: Outcome;
  /** The reason of a failure or skip, or for a pass a note such as an undeclared error status. */
  reason?: string;
  exchange?: Exchange;
  violations: Violation[];
}

export function passed(operationId: string, check: string, exchange?: Exchange, note?: string): CheckResult {
  return { operationId, check, outcome: 'passed', exchange, reason: note, violations: [] };
}

export function failed(operationId: string, check: string, reason: string, exchange?: Exchange, violations: Violation[] = []): CheckResult {
  return { operationId, check, outcome: 'failed', reason, exchange, violations };
}

export function skipped(operationId: string, check: string, reason: string): CheckResult {
  return { operationId, check, outcome: 'skipped', reason, violations: [] };
}
