import type { OperationId } from '../operation-ids.js';
import { createCloudFrontInvalidationHandler, getCloudFrontInvalidationStatusHandler } from './cloudfront.js';
import { triggerDeployHookHandler, triggerPreviewDeployHookHandler } from './deploy-hooks.js';
import { getDeploymentHandler } from './deployments.js';
import { createEnvironmentEnvVariablesHandler, createServiceEnvVariablesHandler } from './env-variables.js';
import {
  createEnvironmentHandler,
  editEnvironmentByIdHandler,
  editEnvironmentHandler,
  updatePreviewEnvironmentHandler,
} from './environments.js';
import { createJobExecutionHandler, getJobExecutionHandler } from './jobs.js';
import { getScalingHandler, updateScalingHandler } from './scaling.js';
import { getServicesHandler } from './services.js';
import type { OperationHandler } from './types.js';

/** The handler of every operation, keyed by the contract's exact operationId. */
export const OPERATION_HANDLERS: Record<OperationId, OperationHandler> = {
  getDeployment: getDeploymentHandler,
  createEnvironment: createEnvironmentHandler,
  editEnvironment: editEnvironmentHandler,
  editEnvironmentById: editEnvironmentByIdHandler,
  updatePreviewEnvironment: updatePreviewEnvironmentHandler,
  getServices: getServicesHandler,
  getScaling: getScalingHandler,
  updateScaling: updateScalingHandler,
  createEnvironmentEnvVariables: createEnvironmentEnvVariablesHandler,
  createServiceEnvVariables: createServiceEnvVariablesHandler,
  createCloudFrontInvalidation: createCloudFrontInvalidationHandler,
  getCloudFrontInvalidationStatus: getCloudFrontInvalidationStatusHandler,
  createJobExecution: createJobExecutionHandler,
  getJobExecution: getJobExecutionHandler,
  triggerDeployHook: triggerDeployHookHandler,
  triggerPreviewDeployHook: triggerPreviewDeployHookHandler,
};
