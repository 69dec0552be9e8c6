import type { DeploymentStatus } from '../state/model.js';

/** The final statuses a deployment rule can plan for its services. */
export type DeploymentOutcome = 'SUCCESS' | 'NO_CHANGE' | 'BUILD_ERROR' | 'DEPLOY_ERROR' | 'ERROR' | 'CANCELLED';

/** How long each in-progress stage of a service deployment lasts, in milliseconds. */
export interface StageDurations {
  pendingMs: number;
  inProgressMs: number;
  buildingMs: number;
  deployingMs: number;
}

/** A deployment rule of a scenario, with durations in milliseconds. */
export interface DeploymentRulePlan {
  match: { environment?: string; branch?: string; commit?: string };
  stages?: Partial<StageDurations>;
  outcome?: DeploymentOutcome;
  services: Record<string, { stages?: Partial<StageDurations>; outcome?: DeploymentOutcome }>;
}

/**
 * Numbers and outcomes that the simulation plans lifecycles with. A scenario supplies
 * them; DEFAULT_RULES is what a plain start uses.
 */
export interface SimulationRules {
  deployment: {
    stages: StageDurations;
    outcome: DeploymentOutcome;
    /** Upper bound of a per-service delay drawn from the seed, so services do not move in lockstep. */
    serviceJitterMs: number;
    /** Rules for particular deployments; the first whose match fits applies. */
    rules: DeploymentRulePlan[];
  };
  invalidationMs: number;
  /** Time for running instances to follow a change of desired count. */
  scalingTransitionMs: number;
  /** Time for Flightcontrol-managed secrets to be written to AWS. */
  managedSecretMs: number;
  job: { initializingMs: number; runningMs: number };
}

// A deployment reaches SUCCESS after about 3 minutes 15 seconds, well inside the
// 15-minute limit that public clients poll for. The invalidation takes a minute, the
// middle of what AWS CloudFront usually needs.
export const DEFAULT_RULES: SimulationRules = {
  deployment: {
    stages: { pendingMs: 5_000, inProgressMs: 10_000, buildingMs: 120_000, deployingMs: 60_000 },
    outcome: 'SUCCESS',
    serviceJitterMs: 5_000,
    rules: [],
  },
  invalidationMs: 60_000,
  scalingTransitionMs: 30_000,
  managedSecretMs: 10_000,
  job: { initializingMs: 5_000, runningMs: 30_000 },
};

export const FINAL_DEPLOYMENT_STATUSES: ReadonlySet<DeploymentStatus> = new Set([
  'SUCCESS',
  'NO_CHANGE',
  'ERROR',
  'BUILD_ERROR',
  'DEPLOY_ERROR',
  'CANCELLED',
]);
