import type { DeploymentOutcome } from './rules.js';

/**
 * A scenario: the world a tenant starts with, how its lifecycles unfold, which faults it
 * injects and which keys it accepts. Scenario files (YAML or JSON) have exactly this shape,
 * checked against spec/scenario.schema.json.
 *
 * Durations are milliseconds, or strings such as "500ms", "90s", "10m" or "1h".
 */
export interface Scenario {
  /** URL or path of the JSON Schema that editors read for completion. The mock ignores it. */
  $schema?: string;
  name: string;
  description?: string;
  /** Seed of the generated world and of every random draw, fault draws included. */
  seed?: number;
  world?: ScenarioWorld;
  keys?: KeyRules;
  deployments?: DeploymentSettings;
  invalidations?: { duration?: Duration };
  scaling?: { transition?: Duration };
  envVariables?: { managedSecretDelay?: Duration };
  jobs?: { initializing?: Duration; running?: Duration };
  faults?: Fault[];
}

export type Duration = number | string;

export interface ScenarioWorld {
  /** A world fixture file with exact ids, relative to the scenario file. */
  fixture?: string;
  /** Number of generated projects, each with a production, a staging and a preview environment. */
  projects?: number;
  /** Add generated services until the world has at least this many. */
  minServices?: number;
  /** API keys of the primary tenant; by default one key derived from the seed. */
  apiKeys?: string[];
  /** Explicit entities, used instead of generated ones; the same fields as a world fixture. */
  explicit?: {
    projects: Record<string, unknown>[];
    environments: Record<string, unknown>[];
    services: Record<string, unknown>[];
  };
}

export interface KeyRules {
  /**
   * `any`: every key of the documented form (8 to 128 letters, digits, "_", "-" or ".")
   * gets a fresh tenant of its own on first use. `listed`: only the world's API keys work.
   */
  accept?: 'any' | 'listed';
  /** Keys that get 401 "Invalid API key", as after a revocation in the dashboard. */
  revoked?: string[];
  /** Keys that may read and change only the listed projects; other projects get 403. */
  limited?: { key: string; projects: string[] }[];
}

export interface StageSettings {
  pending?: Duration;
  inProgress?: Duration;
  building?: Duration;
  deploying?: Duration;
}

export interface DeploymentSettings {
  stages?: StageSettings;
  outcome?: DeploymentOutcome;
  /** Upper bound of a random per-service delay, so services do not move in lockstep. */
  serviceJitter?: Duration;
  /** Rules for particular deployments; the first rule whose match fits applies. */
  rules?: DeploymentRule[];
}

export interface DeploymentRule {
  /** Every given field must fit. `environment` is an environment id or givenId, `commit` a prefix. */
  match: { environment?: string; branch?: string; commit?: string };
  stages?: StageSettings;
  outcome?: DeploymentOutcome;
  /** Per-service overrides, keyed by service id or givenId. */
  services?: Record<string, { stages?: StageSettings; outcome?: DeploymentOutcome }>;
}

export type FaultStatus = 429 | 500 | 502 | 503;

export interface Fault {
  /** operationIds the fault applies to; all operations when absent. */
  operations?: string[];
  /** Extra time before the response, fixed or drawn from a range. */
  latency?: Duration | { min: Duration; max: Duration };
  /** Status to respond with instead of the operation's response. */
  status?: FaultStatus;
  /** Seconds sent in Retry-After with a 429; 1 when absent. */
  retryAfterSeconds?: number;
  /** Close the connection without a response. */
  drop?: boolean;
  /** Chance from 0 to 1 that a call is hit, drawn from the scenario's seed; 1 when absent. */
  probability?: number;
  /** Hit only the next N calls that match, then stop. */
  times?: number;
  /** Respond 429 once more than `requests` calls arrive within `window` of simulated time. */
  rateLimit?: { requests: number; window: Duration };
}
