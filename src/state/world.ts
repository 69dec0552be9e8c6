import type {
  Deployment,
  Environment,
  EnvVariable,
  Invalidation,
  JobExecution,
  Project,
  Service,
} from './model.js';
import { SCALABLE_SERVICE_TYPES } from './model.js';
import type { WorldDefinition } from './world-definition.js';

// Creation time of fixture entities that name none: fixed, so fixture worlds read the
// same on every run.
const DEFAULT_CREATED_AT = Date.parse('2026-01-01T00:00:00.000Z');

export interface EnvironmentServices {
  services: readonly Service[];
  serviceIds: readonly string[];
}

/**
 * One tenant's account: projects, environments, services and everything created through
 * the API. Plain maps keyed by id, so every read is a single lookup.
 */
export class World {
  readonly projects = new Map<string, Project>();
  readonly environments = new Map<string, Environment>();
  readonly services = new Map<string, Service>();
  readonly deployments = new Map<string, Deployment>();
  readonly invalidations = new Map<string, Invalidation>();
  readonly jobExecutions = new Map<string, JobExecution>();
  /** Variables by the id of the environment or service they belong to. */
  readonly envVariables = new Map<string, Map<string, EnvVariable>>();
  /** Ids of invalidations per service that may still be in progress, for CloudFront's limits. */
  readonly openInvalidations = new Map<string, string[]>();
  /** Services in list order: creation time, then id. */
  serviceOrder: Service[] = [];
  // Each environment's services, built on first use and dropped when a service is added.
  // Deployments keep the id list, so it is replaced, never changed.
  private readonly environmentServices = new Map<string, EnvironmentServices>();

  static fromDefinition(definition: WorldDefinition): World {
    const world = new World();

    for (const project of definition.projects) {
      world.projects.set(project.id, {
        id: project.id,
        name: project.name,
        repoUrl: project.repoUrl ?? `https://github.com/example/${project.id}`,
        previewSettings: null,
        createdAt: DEFAULT_CREATED_AT,
      });
    }

    for (const env of definition.environments) {
      world.environments.set(env.id, {
        id: env.id,
        projectId: env.projectId,
        givenId: env.givenId,
        name: env.name,
        type: env.type,
        region: env.region,
        source: { branch: env.branch ?? 'main', trigger: 'push' },
        vpc: null,
        deployHook: env.deployHook ? { ...env.deployHook } : null,
        busyUntil: 0,
        createdAt: DEFAULT_CREATED_AT,
        updatedAt: DEFAULT_CREATED_AT,
      });
    }

    const services: Service[] = [];
    for (const service of definition.services) {
      const createdAt = service.createdAt === undefined ? DEFAULT_CREATED_AT : Date.parse(service.createdAt);
      const scalable = SCALABLE_SERVICE_TYPES.has(service.type);
      services.push({
        id: service.id,
        environmentId: service.environmentId,
        projectId: service.projectId,
        givenId: service.givenId,
        name: service.name,
        type: service.type,
        cloudfront: service.cloudfront ?? false,
        domain: service.domain ?? defaultDomain(service.type, service.givenId, service.cloudfront ?? false),
        scaling: scalable
          ? {
              desiredCount: service.desiredCount ?? 1,
              autoscalingEnabled: service.autoscalingEnabled ?? false,
              minInstances: service.minInstances ?? 1,
              maxInstances: service.maxInstances ?? Math.max(service.desiredCount ?? 1, 10),
              lastChange: null,
            }
          : null,
        jobs: (service.jobs ?? []).map((job) => ({ id: job.id ?? `${service.id}-${job.givenId}`, givenId: job.givenId })),
        createdAt,
        updatedAt: createdAt,
      });
    }
    world.addServices(services);
    return world;
  }

  /** Adds many services with one sort, where adding them one by one could sort after each. */
  addServices(services: readonly Service[]): void {
    this.environmentServices.clear();
    for (const service of services) {
      this.services.set(service.id, service);
      this.serviceOrder.push(service);
    }
    this.serviceOrder.sort(compareServices);
  }

  addService(service: Service): void {
    this.environmentServices.delete(service.environmentId);
    this.services.set(service.id, service);
    this.serviceOrder.push(service);
    // New services usually come last; only an out-of-order insert pays for a sort.
    const previous = this.serviceOrder.at(-2);
    if (previous !== undefined && compareServices(previous, service) > 0) {
      this.serviceOrder.sort(compareServices);
    }
  }

  /** Returns the environment's services in list order, and their ids. Both lists are read-only. */
  servicesOfEnvironment(environmentId: string): EnvironmentServices {
    let entry = this.environmentServices.get(environmentId);
    if (entry === undefined) {
      const services = Object.freeze(this.serviceOrder.filter((service) => service.environmentId === environmentId));
      entry = { services, serviceIds: Object.freeze(services.map((service) => service.id)) };
      this.environmentServices.set(environmentId, entry);
    }
    return entry;
  }
}

function compareServices(a: Service, b: Service): number {
  if (a.createdAt !== b.createdAt) return a.createdAt - b.createdAt;
  if (a.id === b.id) return 0;
  return a.id < b.id ? -1 : 1;
}

function defaultDomain(type: string, givenId: string, cloudfront: boolean): string | null {
  if (type === 'web' || type === 'static' || cloudfront) return `https://${givenId}.example.com`;
  return null;
}
