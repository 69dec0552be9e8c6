/** Per-tenant memory of the scenario's faults: calls left for `times`, and recent calls for rate limits. */
export class FaultState {
  readonly remaining = new Map<number, number>();
  readonly windows = new Map<number, number[]>();
}
