import {
  FINAL_DEPLOYMENT_STATUSES,
  type DeploymentOutcome,
  type DeploymentRulePlan,
  type SimulationRules,
  type StageDurations,
} from '../scenarios/rules.js';
import { notFound } from './errors.js';
import type { Deployment, DeploymentStatus, Environment, Service, ServiceDeployment } from './model.js';
import type { Tenant } from './tenants.js';
import { endOf, finalStatusOf, statusAt } from './timeline.js';

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

// The statuses each outcome passes through, shared by every deployment that plans it.
const OUTCOME_STATUSES: Record<DeploymentOutcome, readonly DeploymentStatus[]> = {
  SUCCESS: ['PENDING', 'INPROGRESS', 'BUILDING', 'DEPLOYING', 'SUCCESS'],
  DEPLOY_ERROR: ['PENDING', 'INPROGRESS', 'BUILDING', 'DEPLOYING', 'DEPLOY_ERROR'],
  BUILD_ERROR: ['PENDING', 'INPROGRESS', 'BUILDING', 'BUILD_ERROR'],
  ERROR: ['PENDING', 'INPROGRESS', 'ERROR'],
  CANCELLED: ['PENDING', 'INPROGRESS', 'CANCELLED'],
  NO_CHANGE: ['PENDING', 'INPROGRESS', 'NO_CHANGE'],
};

const FAILURE_MESSAGES: Partial<Record<DeploymentOutcome, string>> = {
  BUILD_ERROR: 'Build failed: the build command exited with code 1.',
  DEPLOY_ERROR: 'Deploy failed: the new tasks did not pass their health checks.',
  ERROR: 'Deployment failed because of an internal error.',
  CANCELLED: 'Deployment was cancelled.',
};

/**
 * Creates a deployment of every service in the environment, with each service's
 * timeline planned now. A deployment that arrives while an earlier one still runs
 * waits in PENDING until the earlier one ends, as Flightcontrol queues them.
 */
export function createDeployment(tenant: Tenant, environment: Environment, request: DeployRequest): Deployment {
  const now = tenant.clock.now();
  const project = tenant.world.projects.get(environment.projectId);
  const services = tenant.world.servicesOfEnvironment(environment.id);
  const startAt = Math.max(now, environment.busyUntil);

  const gitBranch = request.branch ?? (request.prNumber === undefined ? environment.source.branch : `pr-${request.prNumber}`);
  const gitCommit = request.commit ?? tenant.random.hex(40);
  const plan = matchDeploymentRule(tenant.rules, environment, gitBranch, gitCommit);
  const serviceDeployments = services.map((service) => planServiceDeployment(tenant, plan, service, now, startAt));

  const deployment: Deployment = {
    id: tenant.ids.next(now),
    projectId: environment.projectId,
    environmentId: environment.id,
    isPreview: environment.type === 'preview',
    prNumber: request.prNumber ?? null,
    gitCommit,
    gitBranch,
    repoUrl: project?.repoUrl ?? '',
    force: request.force,
    createdAt: now,
    serviceDeployments,
  };

  const endsAt = Math.max(now, ...serviceDeployments.map((item) => endOf(item.timeline)));
  environment.busyUntil = endsAt;
  tenant.world.deployments.set(deployment.id, deployment);
  return deployment;
}

export function getDeployment(tenant: Tenant, deploymentId: string): Deployment {
  const deployment = tenant.world.deployments.get(deploymentId);
  if (deployment === undefined) throw notFound('Deployment', deploymentId);
  return deployment;
}

export function serviceDeploymentStatus(item: ServiceDeployment, nowMs: number): DeploymentStatus {
  return statusAt(item.timeline, nowMs);
}

/**
 * Aggregates the service statuses. While any service is unfinished, the deployment is in
 * the earliest stage among them. Once all are final, it takes the first failure in service
 * order, or NO_CHANGE when no service changed, or SUCCESS. A deployment without services
 * has nothing to do, so it reads NO_CHANGE.
 */
export function deploymentStatus(deployment: Deployment, nowMs: number): DeploymentStatus {
  const statuses = deployment.serviceDeployments.map((item) => serviceDeploymentStatus(item, nowMs));
  if (statuses.length === 0) return 'NO_CHANGE';

  let earliestStage = -1;
  for (const status of statuses) {
    if (FINAL_DEPLOYMENT_STATUSES.has(status)) continue;
    const stage = STAGE_ORDER.indexOf(status);
    if (earliestStage === -1 || stage < earliestStage) earliestStage = stage;
  }
  if (earliestStage !== -1) return STAGE_ORDER[earliestStage] as DeploymentStatus;

  const failure = statuses.find((status) => status !== 'SUCCESS' && status !== 'NO_CHANGE');
  if (failure !== undefined) return failure;
  return statuses.every((status) => status === 'NO_CHANGE') ? 'NO_CHANGE' : 'SUCCESS';
}

export function serviceDeploymentError(item: ServiceDeployment, nowMs: number): string | null {
  const status = serviceDeploymentStatus(item, nowMs);
  return status === finalStatusOf(item.timeline) && nowMs >= endOf(item.timeline) ? item.failureMessage : null;
}

function planServiceDeployment(
  tenant: Tenant,
  plan: DeploymentPlan,
  service: Service,
  now: number,
  startAt: number,
): ServiceDeployment {
  const { stages, outcome } = planForService(plan, service);
  const serviceJitterMs = tenant.rules.deployment.serviceJitterMs;
  const jitter = serviceJitterMs > 0 ? tenant.random.integer(0, serviceJitterMs) : 0;

  // The times follow the stages the outcome passes through. The statuses come from the
  // shared plan of that outcome, so each deployment stores only its own times.
  const inProgressAt = startAt + stages.pendingMs + jitter;
  const buildingAt = inProgressAt + stages.inProgressMs;
  const deployingAt = buildingAt + stages.buildingMs;
  let times: number[];
  if (outcome === 'ERROR' || outcome === 'CANCELLED' || outcome === 'NO_CHANGE') times = [now, inProgressAt, buildingAt];
  else if (outcome === 'BUILD_ERROR') times = [now, inProgressAt, buildingAt, deployingAt];
  else times = [now, inProgressAt, buildingAt, deployingAt, deployingAt + stages.deployingMs];
  const timeline = { statuses: OUTCOME_STATUSES[outcome], times };

  return {
    id: tenant.ids.next(now),
    serviceId: service.id,
    timeline,
    failureMessage: FAILURE_MESSAGES[outcome] ?? null,
  };
}

interface DeploymentPlan {
  stages: StageDurations;
  outcome: DeploymentOutcome;
  rule: DeploymentRulePlan | null;
}

/** Picks the first scenario rule whose match fits the deployment, over the scenario's defaults. */
function matchDeploymentRule(rules: SimulationRules, environment: Environment, branch: string, commit: string): DeploymentPlan {
  const defaults = { stages: rules.deployment.stages, outcome: rules.deployment.outcome };
  const rule = rules.deployment.rules.find(({ match }) => {
    if (match.environment !== undefined && match.environment !== environment.id && match.environment !== environment.givenId) return false;
    if (match.branch !== undefined && match.branch !== branch) return false;
    if (match.commit !== undefined && !commit.startsWith(match.commit)) return false;
    return true;
  });
  if (rule === undefined) return { ...defaults, rule: null };
  return { stages: { ...defaults.stages, ...rule.stages }, outcome: rule.outcome ?? defaults.outcome, rule };
}

/** Applies a rule's override for one service, found by id or givenId. */
function planForService(plan: DeploymentPlan, service: Service): { stages: StageDurations; outcome: DeploymentOutcome } {
  const override = plan.rule?.services[service.id] ?? plan.rule?.services[service.givenId];
  if (override === undefined) return plan;
  return { stages: { ...plan.stages, ...override.stages }, outcome: override.outcome ?? plan.outcome };
}
