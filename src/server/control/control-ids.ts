/** Every operationId of the control API document, spec/control-api.yml. */
export const CONTROL_OPERATION_IDS = [
  'resetTenant',
  'getClock',
  'moveClock',
  'getScenario',
  'putScenario',
  'getWorld',
  'getActivity',
  'getJournal',
  'clearJournal',
  'getCoverage',
  'getViolations',
  'getControlApiDocument',
  'getScenarioSchema',
] as const;

export type ControlOperationId = (typeof CONTROL_OPERATION_IDS)[number];
