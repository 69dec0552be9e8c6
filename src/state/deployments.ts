import { FINAL_DEPLOYMENT_STATUSES } from '../scenarios/rules.js';
import { plansFor } from './deployment-plans.js';
import { notFound } from './errors.js';
import { derivedIds } from './ids.js';
import type { Deployment, DeploymentStatus, Environment, ServiceDeploymentPlan } from './model.js';
import type { Tenant } from './tenants.js';

export interface DeployRequest {
  commit?: string;
  branch?: string;
  force: boolean;
  /** Set for the preview deploy hook, together with the commit from its path. */
  prNumber?: number;
}

// Order of the in-progress stages. The deployment reports the earliest stage that any of
// its unfinished services is in, so it reads BUILDING only once every service builds.
const STAGE_ORDER: readonly DeploymentStatus[] = [
  'PENDING',
  'INPROGRESS',
  'PENDING_DEPENDENCY',
  'PROVISIONING',
  'BUILDING',
  'DEPLOYING',
];

/**
 * Creates a deployment of every service in the environment, with each service's
 * lifecycle planned now. A deployment that arrives while an earlier one still runs
 * waits in PENDING until the earlier one ends, as Flightcontrol queues them.
 */
export function createDeployment(tenant: Tenant, environment: Environment, request: DeployRequest): Deployment {
  const now = tenant.clock.now();
  const project = tenant.world.projects.get(environment.projectId);
  const { services, serviceIds } = tenant.world.servicesOfEnvironment(environment.id);

  const gitBranch = request.branch ?? (request.prNumber === undefined ? environment.source.branch : `pr-${request.prNumber}`);
  const gitCommit = request.commit ?? tenant.random.hex(40);
  const plans = plansFor(tenant.rules, environment, gitBranch, gitCommit);

  let servicePlans: ServiceDeploymentPlan[] | null = null;
  for (let index = 0; index < services.length; index++) {
    const service = services[index];
    const override = service === undefined ? undefined : plans.overrideFor(service.id, service.givenId);
    if (override === undefined) continue;
    servicePlans ??= services.map(() => plans.plan);
    servicePlans[index] = override;
  }

  const jitterMs = tenant.rules.deployment.serviceJitterMs;
  const jitters = jitterMs > 0 ? services.map(() => tenant.random.integer(0, jitterMs)) : null;

  // The service deployment ids follow the deployment's id, so the generator skips them.
  const id = tenant.ids.next(now);
  tenant.ids.reserve(services.length);

  const deployment: Deployment = {
    id,
    projectId: environment.projectId,
    environmentId: environment.id,
    isPreview: environment.type === 'preview',
    prNumber: request.prNumber ?? null,
    gitCommit,
    gitBranch,
    repoUrl: project?.repoUrl ?? '',
    force: request.force,
    createdAt: now,
    startsAt: Math.max(now, environment.busyUntil),
    serviceIds,
    plan: plans.plan,
    servicePlans,
    jitters,
  };

  environment.busyUntil = deploymentEndsAt(deployment);
  tenant.world.deployments.set(deployment.id, deployment);
  return deployment;
}

export function getDeployment(tenant: Tenant, deploymentId: string): Deployment {
  const deployment = tenant.world.deployments.get(deploymentId);
  if (deployment === undefined) throw notFound('Deployment', deploymentId);
  return deployment;
}

/** Returns the ids of the deployment's service deployments in service order, derived from the deployment's id. */
export function serviceDeploymentIds(deployment: Deployment): string[] {
  return derivedIds(deployment.id, deployment.serviceIds.length);
}

export function serviceDeploymentStatus(deployment: Deployment, index: number, nowMs: number): DeploymentStatus {
  const plan = planOf(deployment, index);
  const elapsed = nowMs - startOf(deployment, index);
  // Plans have at most four steps after PENDING, so a scan beats a binary search.
  let step = 0;
  while (step < plan.offsets.length && (plan.offsets[step] ?? Infinity) <= elapsed) step++;
  return plan.statuses[step] ?? 'PENDING';
}

/** Returns the failure message of a service deployment once it has ended on a failure, else null. */
export function serviceDeploymentError(deployment: Deployment, index: number, nowMs: number): string | null {
  return nowMs >= serviceDeploymentEndsAt(deployment, index) ? planOf(deployment, index).failureMessage : null;
}

/** Lists the times at which the service deployment's statuses begin, creation first. */
export function serviceDeploymentTimes(deployment: Deployment, index: number): number[] {
  const start = startOf(deployment, index);
  return [deployment.createdAt, ...planOf(deployment, index).offsets.map((offset) => start + offset)];
}

/** Returns the deployment's status at `nowMs`, aggregated from its services' statuses. */
export function deploymentStatus(deployment: Deployment, nowMs: number): DeploymentStatus {
  return aggregateStatus(serviceDeploymentStatuses(deployment, nowMs));
}

/** Returns the status of each service deployment at `nowMs`, in service order. */
export function serviceDeploymentStatuses(deployment: Deployment, nowMs: number): DeploymentStatus[] {
  const statuses = new Array<DeploymentStatus>(deployment.serviceIds.length);
  for (let index = 0; index < statuses.length; index++) statuses[index] = serviceDeploymentStatus(deployment, index, nowMs);
  return statuses;
}

/**
 * Aggregates service statuses into the deployment's. While any service is unfinished, the
 * deployment is in the earliest stage among them. Once all are final, it takes the first
 * failure in service order, or NO_CHANGE when no service changed, or SUCCESS. A deployment
 * without services has nothing to do, so it reads NO_CHANGE.
 */
export function aggregateStatus(statuses: readonly DeploymentStatus[]): DeploymentStatus {
  let earliestStage = -1;
  let failure: DeploymentStatus | null = null;
  let changed = false;
  for (const status of statuses) {
    if (!FINAL_DEPLOYMENT_STATUSES.has(status)) {
      const stage = STAGE_ORDER.indexOf(status);
      if (earliestStage === -1 || stage < earliestStage) earliestStage = stage;
      continue;
    }
    if (status !== 'NO_CHANGE') changed = true;
    if (failure === null && status !== 'SUCCESS' && status !== 'NO_CHANGE') failure = status;
  }

  if (earliestStage !== -1) return STAGE_ORDER[earliestStage] ?? 'PENDING';
  return failure ?? (changed ? 'SUCCESS' : 'NO_CHANGE');
}

/** Returns the time at which the last service of the deployment reaches its final status. */
export function deploymentEndsAt(deployment: Deployment): number {
  let end = deployment.createdAt;
  for (let index = 0; index < deployment.serviceIds.length; index++) end = Math.max(end, serviceDeploymentEndsAt(deployment, index));
  return end;
}

function serviceDeploymentEndsAt(deployment: Deployment, index: number): number {
  return startOf(deployment, index) + (planOf(deployment, index).offsets.at(-1) ?? 0);
}

function planOf(deployment: Deployment, index: number): ServiceDeploymentPlan {
  return deployment.servicePlans?.[index] ?? deployment.plan;
}

function startOf(deployment: Deployment, index: number): number {
  return deployment.startsAt + (deployment.jitters?.[index] ?? 0);
}
