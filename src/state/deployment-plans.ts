import type { DeploymentOutcome, DeploymentRulePlan, SimulationRules, StageDurations } from '../scenarios/rules.js';
import type { DeploymentStatus, Environment, ServiceDeploymentPlan } from './model.js';

// The statuses each outcome passes through.
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

/** The plans of one deployment: one for every service, with overrides for some. */
export interface DeploymentPlans {
  plan: ServiceDeploymentPlan;
  /** Finds a service's own plan by id or givenId, when the matched rule names the service. */
  overrideFor(serviceId: string, givenId: string): ServiceDeploymentPlan | undefined;
}

// Plans are built once per scenario rule and shared, because rules do not change once a
// scenario is compiled. The keys are the compiled rule objects.
const defaultPlans = new WeakMap<SimulationRules['deployment'], ServiceDeploymentPlan>();
const rulePlans = new WeakMap<DeploymentRulePlan, ServiceDeploymentPlan>();
const overridePlans = new WeakMap<object, ServiceDeploymentPlan>();

const NO_OVERRIDE = (): undefined => undefined;

/** Picks the first scenario rule whose match fits the deployment, over the scenario's defaults. */
export function plansFor(rules: SimulationRules, environment: Environment, branch: string, commit: string): DeploymentPlans {
  const defaults = rules.deployment;
  const rule = defaults.rules.find(({ match }) => {
    if (match.environment !== undefined && match.environment !== environment.id && match.environment !== environment.givenId) return false;
    if (match.branch !== undefined && match.branch !== branch) return false;
    if (match.commit !== undefined && !commit.startsWith(match.commit)) return false;
    return true;
  });

  if (rule === undefined) {
    return { plan: cached(defaultPlans, defaults, () => buildPlan(defaults.stages, defaults.outcome)), overrideFor: NO_OVERRIDE };
  }

  const stages = { ...defaults.stages, ...rule.stages };
  const outcome = rule.outcome ?? defaults.outcome;
  const plan = cached(rulePlans, rule, () => buildPlan(stages, outcome));
  return {
    plan,
    overrideFor: (serviceId, givenId) => {
      const override = rule.services[serviceId] ?? rule.services[givenId];
      if (override === undefined) return undefined;
      return cached(overridePlans, override, () => buildPlan({ ...stages, ...override.stages }, override.outcome ?? outcome));
    },
  };
}

/** Builds the plan of an outcome: the stages it passes through and when each begins. */
function buildPlan(stages: StageDurations, outcome: DeploymentOutcome): ServiceDeploymentPlan {
  const inProgressAt = stages.pendingMs;
  const buildingAt = inProgressAt + stages.inProgressMs;
  const deployingAt = buildingAt + stages.buildingMs;
  const statuses = OUTCOME_STATUSES[outcome];
  // Each status after PENDING begins at the next of these times, as far as the outcome goes.
  const offsets = [inProgressAt, buildingAt, deployingAt, deployingAt + stages.deployingMs].slice(0, statuses.length - 1);
  return Object.freeze({ statuses, offsets: Object.freeze(offsets), failureMessage: FAILURE_MESSAGES[outcome] ?? null });
}

function cached<K extends object>(cache: WeakMap<K, ServiceDeploymentPlan>, key: K, build: () => ServiceDeploymentPlan): ServiceDeploymentPlan {
  let plan = cache.get(key);
  if (plan === undefined) {
    plan = build();
    cache.set(key, plan);
  }
  return plan;
}

// Plans read back from a data file, keyed by their JSON, so restored deployments share
// one copy of each plan as new ones do.
const restoredPlans = new Map<string, ServiceDeploymentPlan>();

/** Returns the shared copy of a plan read from a data file. */
export function sharedPlan(plan: ServiceDeploymentPlan): ServiceDeploymentPlan {
  const key = JSON.stringify(plan);
  let shared = restoredPlans.get(key);
  if (shared === undefined) {
    shared = Object.freeze({ statuses: Object.freeze([...plan.statuses]), offsets: Object.freeze([...plan.offsets]), failureMessage: plan.failureMessage });
    restoredPlans.set(key, shared);
  }
  return shared;
}
