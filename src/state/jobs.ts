import { DomainError, notFound } from './errors.js';
import type { JobExecution, JobExecutionStatus } from './model.js';
import type { Tenant } from './tenants.js';
import { endOf, statusAt, timelineOf } from './timeline.js';

/** Starts a job of a scheduler service. The execution initializes, runs, and completes on the clock. */
export function createJobExecution(
  tenant: Tenant,
  serviceId: string,
  jobGivenId: string,
  startCommand: string | string[] | null,
): JobExecution {
  const service = tenant.world.services.get(serviceId);
  if (service === undefined) throw notFound('Service', serviceId);

  const job = service.jobs.find((item) => item.givenId === jobGivenId);
  if (job === undefined) {
    const known = service.jobs.map((item) => item.givenId).join(', ') || 'none';
    throw new DomainError('NOT_FOUND', `Job not found: service ${serviceId} has no job '${jobGivenId}' (its jobs: ${known}).`);
  }

  const now = tenant.clock.now();
  const { initializingMs, runningMs } = tenant.rules.job;
  const execution: JobExecution = {
    id: tenant.ids.next(now),
    serviceId,
    job,
    startCommand,
    createdAt: now,
    timeline: timelineOf<JobExecutionStatus>([
      ['INITIALIZING', now],
      ['IN_PROGRESS', now + initializingMs],
      ['COMPLETED', now + initializingMs + runningMs],
    ]),
  };
  tenant.world.jobExecutions.set(execution.id, execution);
  return execution;
}

export function getJobExecution(tenant: Tenant, executionId: string): JobExecution {
  const execution = tenant.world.jobExecutions.get(executionId);
  if (execution === undefined) throw notFound('Job execution', executionId);
  return execution;
}

export function jobExecutionStatus(execution: JobExecution, nowMs: number): JobExecutionStatus {
  return statusAt(execution.timeline, nowMs);
}

/** Returns when the execution finished, or null while it runs. */
export function jobFinishedAt(execution: JobExecution, nowMs: number): number | null {
  const end = endOf(execution.timeline);
  return nowMs >= end ? end : null;
}
