/**
 * Every operationId of the effective contract. The handler table is typed by this list,
 * so a missing or misspelled handler fails the type check, and the app refuses to start
 * when the contract has an operation that is not listed here.
 */
export const OPERATION_IDS = [
  'getDeployment',
  'createEnvironment',
  'editEnvironment',
  'editEnvironmentById',
  'updatePreviewEnvironment',
  'getServices',
  'getScaling',
  'updateScaling',
  'createEnvironmentEnvVariables',
  'createServiceEnvVariables',
  'createCloudFrontInvalidation',
  'getCloudFrontInvalidationStatus',
  'createJobExecution',
  'getJobExecution',
  'triggerDeployHook',
  'triggerPreviewDeployHook',
] as const;

export type OperationId = (typeof OPERATION_IDS)[number];

export function isOperationId(value: string): value is OperationId {
  return (OPERATION_IDS as readonly string[]).includes(value);
}
