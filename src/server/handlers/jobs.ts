import { createJobExecution, getJobExecution, jobExecutionStatus, jobFinishedAt } from '../../state/jobs.js';
import { formatIsoTime } from '../../state/timestamps.js';
import { checkProjectAccess, ok, stringParam, tenantOf, type OperationHandler } from './types.js';

export const createJobExecutionHandler: OperationHandler = (request) => {
  const body = (request.body ?? {}) as { startCommand?: string | string[] };
  checkProjectAccess(request, tenantOf(request).world.services.get(stringParam(request.path, 'serviceId'))?.projectId);
  const execution = createJobExecution(
    tenantOf(request),
    stringParam(request.path, 'serviceId'),
    stringParam(request.path, 'jobGivenId'),
    body.startCommand ?? null,
  );
  return ok({ jobExecutionId: execution.id });
};

export const getJobExecutionHandler: OperationHandler = (request) => {
  const tenant = tenantOf(request);
  const execution = getJobExecution(tenant, stringParam(request.path, 'executionId'));
  checkProjectAccess(request, tenant.world.services.get(execution.serviceId)?.projectId);
  const now = tenant.clock.now();
  const finishedAt = jobFinishedAt(execution, now);
  return ok({
    id: execution.id,
    status: jobExecutionStatus(execution, now),
    createdAt: formatIsoTime(execution.createdAt),
    finishedAt: finishedAt === null ? null : formatIsoTime(finishedAt),
    exitCode: finishedAt === null ? null : 0,
    error: null,
    job: { id: execution.job.id, givenId: execution.job.givenId },
  });
};
