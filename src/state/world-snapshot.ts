import type { Deployment, Environment, EnvVariable, Invalidation, JobExecution, Project, Service } from './model.js';
import { sharedPlan } from './deployment-plans.js';
import { World } from './world.js';

/** A world as plain JSON: its maps as arrays, in insertion order. */
export interface SavedWorld {
  projects: Project[];
  environments: Environment[];
  services: Service[];
  deployments: Deployment[];
  invalidations: Invalidation[];
  jobExecutions: JobExecution[];
  envVariables: [string, EnvVariable[]][];
  openInvalidations: [string, string[]][];
}

export function saveWorld(world: World): SavedWorld {
  return {
    projects: [...world.projects.values()],
    environments: [...world.environments.values()],
    services: world.serviceOrder,
    deployments: [...world.deployments.values()],
    invalidations: [...world.invalidations.values()],
    jobExecutions: [...world.jobExecutions.values()],
    envVariables: [...world.envVariables].map(([scope, variables]) => [scope, [...variables.values()]]),
    openInvalidations: [...world.openInvalidations],
  };
}

export function loadWorld(saved: SavedWorld): World {
  const world = new World();
  for (const project of saved.projects) world.projects.set(project.id, project);
  for (const environment of saved.environments) world.environments.set(environment.id, environment);
  world.addServices(saved.services);
  for (const deployment of saved.deployments) world.deployments.set(deployment.id, restoreDeployment(deployment));
  for (const invalidation of saved.invalidations) world.invalidations.set(invalidation.id, invalidation);
  for (const execution of saved.jobExecutions) world.jobExecutions.set(execution.id, execution);
  for (const [scope, variables] of saved.envVariables) world.envVariables.set(scope, new Map(variables.map((variable) => [variable.name, variable])));
  for (const [serviceId, ids] of saved.openInvalidations) world.openInvalidations.set(serviceId, ids);
  return world;
}

/** Gives a restored deployment the shared copies of its plans, as a new one has. */
function restoreDeployment(deployment: Deployment): Deployment {
  return {
    ...deployment,
    plan: sharedPlan(deployment.plan),
    servicePlans: deployment.servicePlans === null ? null : deployment.servicePlans.map(sharedPlan),
  };
}
