/** Types of the simulated Flightcontrol account. Times are epoch milliseconds. */

export type EnvironmentType = 'standard' | 'preview';

/** Service types as Flightcontrol names them in flightcontrol.json and the services list. */
export type ServiceType =
  | 'web'
  | 'web-private'
  | 'worker'
  | 'network-server'
  | 'static'
  | 'scheduler'
  | 'rds'
  | 'elasticache'
  | 'lambda-function'
  | 's3';

export const SCALABLE_SERVICE_TYPES: ReadonlySet<string> = new Set(['web', 'web-private', 'worker', 'network-server']);

export type DeploymentStatus =
  | 'PENDING'
  | 'INPROGRESS'
  | 'PENDING_DEPENDENCY'
  | 'PROVISIONING'
  | 'BUILDING'
  | 'DEPLOYING'
  | 'SUCCESS'
  | 'NO_CHANGE'
  | 'ERROR'
  | 'BUILD_ERROR'
  | 'DEPLOY_ERROR'
  | 'CANCELLED';

export type InvalidationStatus = 'InProgress' | 'Completed';

export type JobExecutionStatus = 'INITIALIZING' | 'IN_PROGRESS' | 'COMPLETED' | 'ERROR' | 'CANCELLING' | 'CANCELLED';

/**
 * A planned lifecycle: `statuses[i]` applies from `times[i]` on, times ascending. Kept
 * as two arrays rather than step objects, because a busy sandbox keeps millions of steps.
 */
export interface Timeline<S extends string> {
  statuses: readonly S[];
  times: number[];
}

export interface Project {
  id: string;
  name: string;
  repoUrl: string;
  previewSettings: PreviewSettings | null;
  createdAt: number;
}

export interface DeployHook {
  envId: number;
  secret: string;
}

export interface EnvironmentSource {
  branch: string;
  trigger: 'push' | 'manual';
}

export interface PreviewSettings {
  name?: string;
  trigger?: 'push' | 'manual';
  filter?: { labels?: string[]; toBranches?: string[]; fromBranches?: string[]; watchPaths?: string[] };
}

export interface Environment {
  id: string;
  projectId: string;
  givenId: string;
  name: string;
  type: EnvironmentType;
  region: string;
  source: EnvironmentSource;
  vpc: { id?: string; cidr?: string; private?: boolean } | null;
  deployHook: DeployHook | null;
  /** Time at which the last queued deployment of this environment finishes. */
  busyUntil: number;
  createdAt: number;
  updatedAt: number;
}

/** A change of desired count, which running instances follow after the transition time. */
export interface ScalingChange {
  from: number;
  to: number;
  atMs: number;
  settlesAtMs: number;
}

export interface Scaling {
  desiredCount: number;
  autoscalingEnabled: boolean;
  minInstances: number;
  maxInstances: number;
  lastChange: ScalingChange | null;
}

export interface Job {
  id: string;
  givenId: string;
}

export interface Service {
  id: string;
  environmentId: string;
  projectId: string;
  givenId: string;
  name: string;
  type: string;
  /** Whether a CloudFront distribution fronts the service. */
  cloudfront: boolean;
  domain: string | null;
  scaling: Scaling | null;
  jobs: Job[];
  createdAt: number;
  updatedAt: number;
}

/**
 * The planned lifecycle of a service in a deployment, shared by every service deployment
 * that follows the same scenario rule: a busy sandbox keeps millions of them.
 */
export interface ServiceDeploymentPlan {
  /** Statuses in order; the first applies from the deployment's creation on. */
  statuses: readonly DeploymentStatus[];
  /** When each later status begins, in milliseconds after the service starts. */
  offsets: readonly number[];
  /** Message reported once the lifecycle ends on a failure status. */
  failureMessage: string | null;
}

/**
 * A deployment of every service of an environment. A service's lifecycle is computed from
 * its plan and start when it is read, so a deployment stores no per-service objects, and
 * service deployment ids are derived from the deployment's id.
 */
export interface Deployment {
  id: string;
  projectId: string;
  environmentId: string;
  isPreview: boolean;
  prNumber: number | null;
  gitCommit: string;
  gitBranch: string;
  repoUrl: string;
  force: boolean;
  createdAt: number;
  /** When the services start: at creation, or when the deployment queued before it ends. */
  startsAt: number;
  /** The deployed services, in list order; shared with the environment while it is unchanged. */
  serviceIds: readonly string[];
  /** The plan of every service that servicePlans does not name. */
  plan: ServiceDeploymentPlan;
  /** A plan per service, when a scenario rule overrides some services; else null. */
  servicePlans: readonly ServiceDeploymentPlan[] | null;
  /** Each service's extra start delay drawn from the seed, or null when none has one. */
  jitters: readonly number[] | null;
}

export interface Invalidation {
  id: string;
  serviceId: string;
  paths: string[];
  createdAt: number;
  completesAt: number;
}

export type EnvVariableSource =
  | 'plainText'
  | 'parameterStore'
  | 'secretsManager'
  | 'fromParameterStore'
  | 'fromSecretsManager'
  | 'fromService';

/**
 * A stored variable. Flightcontrol-managed secrets keep no value, only a SHA-256
 * fingerprint, so that no read path can echo a secret.
 */
export interface EnvVariable {
  name: string;
  source: EnvVariableSource;
  value: string | null;
  serviceReference: { id: string; value: string } | null;
  secretSha256: string | null;
  /** Time from which the variable is in effect; later than the write for managed secrets. */
  effectiveAt: number;
  updatedAt: number;
}

export interface JobExecution {
  id: string;
  serviceId: string;
  job: Job;
  startCommand: string | string[] | null;
  createdAt: number;
  timeline: Timeline<JobExecutionStatus>;
}
