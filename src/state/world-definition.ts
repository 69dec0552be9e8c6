import type { EnvironmentType } from './model.js';

/**
 * The input a world is built from: either a fixture file with exact ids or the output of
 * the seeded generator. Building the same definition twice gives the same world.
 */
export interface WorldDefinition {
  /** Seed for every random draw made while the world runs: ids, commits, jitter. */
  seed: number;
  apiKeys: string[];
  projects: ProjectDefinition[];
  environments: EnvironmentDefinition[];
  services: ServiceDefinition[];
}

export interface ProjectDefinition {
  id: string;
  name: string;
  repoUrl?: string;
}

export interface EnvironmentDefinition {
  id: string;
  projectId: string;
  givenId: string;
  name: string;
  type: EnvironmentType;
  region: string;
  branch?: string;
  deployHook?: { envId: number; secret: string };
}

export interface ServiceDefinition {
  id: string;
  environmentId: string;
  projectId: string;
  givenId: string;
  name: string;
  type: string;
  cloudfront?: boolean;
  domain?: string;
  desiredCount?: number;
  autoscalingEnabled?: boolean;
  minInstances?: number;
  maxInstances?: number;
  jobs?: { id?: string; givenId: string }[];
  /** RFC 3339 creation time; a fixed default keeps fixture worlds identical across runs. */
  createdAt?: string;
}
