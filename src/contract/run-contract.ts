import { setTimeout as sleep } from 'node:timers/promises';

import type { Operation } from 'openapi-backend';

import { loadContract, type ContractKind } from '../server/contract.js';
import { captureCreated, parseHookUrl, type Fixtures, type KnownService } from './fixtures.js';
import { runFlows } from './flows.js';
import { send, type Exchange } from './http-exchange.js';
import { negativeRequests, validRequest, type PlannedRequest } from './requests.js';
import { checkResponse } from './response-check.js';
import { failed, passed, skipped, type CheckResult } from './results.js';

export interface ContractRunOptions {
  baseUrl: string;
  apiKey: string;
  deployHookUrl?: string;
  contract: ContractKind;
  seed: number;
  /** operationIds to check; all when absent. */
  only?: string[];
  /** Limit for each polling flow, in milliseconds. */
  timeoutMs: number;
  /** Limit for each request, in milliseconds. */
  requestTimeoutMs?: number;
  /** Real time between polls on a server without flightcontrol-mock's control API. */
  pollIntervalMs?: number;
  onProgress?: (done: number, label: string) => void;
}

export interface ContractRun {
  contract: ContractKind;
  baseUrl: string;
  results: CheckResult[];
}

/** A run that cannot start: the server is unreachable or refuses the key. */
export class ContractRunError extends Error {}

// Operations that create what other operations read run first, so that their ids exist.
const CREATORS = ['triggerDeployHook', 'triggerPreviewDeployHook', 'createCloudFrontInvalidation', 'createEnvironment', 'createJobExecution'];

/**
 * Checks a server against the contract: a valid request, the auth checks and the invalid
 * variants of every operation, all derived from the schemas, then the stateful flows.
 */
export async function runContract(options: ContractRunOptions): Promise<ContractRun> {
  const requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
  const headers = { Authorization: `Bearer ${options.apiKey}` };
  const call = (method: string, path: string, extra: { body?: string; contentType?: string; headers?: Record<string, string> } = {}) =>
    send(options.baseUrl, method, path, {
      headers: { ...(extra.headers ?? headers), ...(extra.contentType === undefined ? {} : { 'Content-Type': extra.contentType }) },
      body: extra.body,
      timeoutMs: requestTimeoutMs,
    });

  // Discovery comes first, so that an unreachable server or a refused key is reported
  // without waiting for the contract to compile.
  const fixtures = await discover(options, call);
  const contract = await loadContract(options.contract);
  const results: CheckResult[] = [];
  let done = 0;
  const record = (result: CheckResult) => {
    results.push(result);
    options.onProgress?.(++done, `${result.operationId}: ${result.check}`);
  };

  const selected = contract.operations.filter((operation) => options.only === undefined || options.only.includes(operation.operationId ?? ''));
  const ordered = [...selected].sort((a, b) => rank(a) - rank(b));
  for (const operation of ordered) {
    for (const result of await checkOperation(operation, contract, fixtures, options, call)) record(result);
  }

  const flowContext = {
    contract,
    fixtures,
    timeoutMs: options.timeoutMs,
    call: (method: string, path: string, body?: unknown) =>
      call(method, path, body === undefined ? {} : { body: JSON.stringify(body), contentType: 'application/json' }),
    callHook: (path: string) => call('GET', path, { headers: {} }),
    waitForNextPoll: async () => {
      if (fixtures.controlApi) await call('POST', '/__mock/clock', { body: JSON.stringify({ advanceMs: 10_000 }), contentType: 'application/json' });
      else await sleep(options.pollIntervalMs ?? 2_000);
    },
  };
  // A selected flow reports every result, including a failure of the operation that set it up.
  for (const result of await runFlows(flowContext, (operationId) => options.only === undefined || options.only.includes(operationId))) record(result);
  return { contract: options.contract, baseUrl: options.baseUrl, results };
}

type Call = (method: string, path: string, extra?: { body?: string; contentType?: string; headers?: Record<string, string> }) => Promise<Exchange>;

/** Lists the services, reads the mock's control API when there is one, and checks that the key works. */
async function discover(options: ContractRunOptions, call: Call): Promise<Fixtures> {
  const fixtures: Fixtures = { runId: Date.now().toString(36), services: [], controlApi: false };
  if (options.deployHookUrl !== undefined) fixtures.hook = parseHookUrl(options.deployHookUrl);

  let skip: number | null = 0;
  for (let page = 0; skip !== null && page < 100; page++) {
    const listing = await call('GET', `/v1/services?skip=${skip}&take=100`);
    if (listing.error !== undefined) throw new ContractRunError(`cannot reach ${options.baseUrl}: ${listing.error}`);
    if (listing.status === 401 || listing.status === 403) throw new ContractRunError(`the server rejected the API key: GET /v1/services returned ${listing.status}. Check --api-key.`);
    if (listing.status !== 200) break;

    const body = (listing.json ?? {}) as { services?: KnownService[]; nextPage?: unknown };
    const services = Array.isArray(body.services) ? body.services : [];
    fixtures.services.push(...services.filter((service) => typeof service.id === 'string'));
    // A nextPage that does not move forward would loop; the flows report it.
    skip = typeof body.nextPage === 'number' && services.length > 0 && body.nextPage > (skip ?? 0) ? body.nextPage : null;
  }

  const world = await call('GET', '/__mock/world');
  if (world.status === 200 && typeof world.json === 'object' && world.json !== null) {
    fixtures.controlApi = true;
    readMockWorld(world.json, fixtures);
  }
  return fixtures;
}

interface MockWorld {
  environments?: { type?: string; deployHook?: { url?: string } | null }[];
  services?: { id: string; jobs?: string[] }[];
}

function readMockWorld(world: MockWorld, fixtures: Fixtures): void {
  for (const environment of world.environments ?? []) {
    const hook = environment.deployHook?.url === undefined ? undefined : parseHookUrl(environment.deployHook.url);
    if (hook === undefined) continue;
    if (environment.type === 'preview') fixtures.previewHook ??= hook;
    else fixtures.hook ??= hook;
  }
  const scheduler = (world.services ?? []).find((service) => (service.jobs ?? []).length > 0);
  const job = scheduler?.jobs?.[0];
  if (scheduler !== undefined && job !== undefined) fixtures.job = { serviceId: scheduler.id, jobGivenId: job };
}

/** Runs the valid request, the auth checks and the invalid variants of one operation. */
async function checkOperation(operation: Operation, contract: Awaited<ReturnType<typeof loadContract>>, fixtures: Fixtures, options: ContractRunOptions, call: Call): Promise<CheckResult[]> {
  const operationId = operation.operationId ?? `${operation.method} ${operation.path}`;
  const planned = validRequest(operation, fixtures, options.seed);
  if ('missing' in planned) {
    return [skipped(operationId, 'valid request', `no value is known for the path parameter ${planned.missing}${planned.missing === 'envId' || planned.missing === 'secret' ? '; pass --deploy-hook-url' : ''}`)];
  }

  const secured = (operation.security ?? contract.document.security ?? []).length > 0;
  const sendPlanned = (request: PlannedRequest, headers?: Record<string, string>) =>
    call(request.method, request.path, { body: request.body, contentType: request.contentType, headers: secured ? headers : (headers ?? {}) });
  const results: CheckResult[] = [];

  if (operationId === 'createEnvironment' && planned.body !== undefined) {
    const body = JSON.parse(planned.body) as { name: string; region: string };
    // The path contains the id percent-encoded, but the fixtures keep it raw, as they encode on use.
    fixtures.createdEnvironment = { name: body.name, region: body.region, projectId: decodeURIComponent(planned.path.split('/')[3] ?? '') };
  }
  const validExchange = await sendPlanned(planned);
  const verdict = checkResponse(contract, operation, validExchange, 'success');
  results.push(verdict.ok ? passed(operationId, 'valid request', validExchange, verdict.note) : failed(operationId, 'valid request', verdict.reason ?? '', validExchange, verdict.violations));
  captureCreated(operationId, validExchange, fixtures);

  if (secured) {
    for (const [check, authHeaders] of [
      ['no API key', {}],
      ['unknown API key', { Authorization: 'Bearer contract-check-unknown-key/invalid' }],
    ] as const) {
      const exchange = await sendPlanned(planned, authHeaders);
      const authVerdict = checkResponse(contract, operation, exchange, 'client-error');
      if (!authVerdict.ok) results.push(failed(operationId, check, authVerdict.reason ?? '', exchange, authVerdict.violations));
      else if (exchange.status !== 401) results.push(failed(operationId, check, `expected 401, got ${exchange.status}`, exchange));
      else results.push(passed(operationId, check, exchange, authVerdict.note));
    }
  }

  const negatives = negativeRequests(operation, planned);
  if (negatives.length === 0) return results;
  const before = await snapshot(call, fixtures);
  const repeated = await snapshot(call, fixtures);
  for (const negative of negatives) {
    const exchange = await sendPlanned(negative);
    const negativeVerdict = checkResponse(contract, operation, exchange, 'client-error');
    results.push(negativeVerdict.ok ? passed(operationId, negative.check, exchange, negativeVerdict.note) : failed(operationId, negative.check, negativeVerdict.reason ?? '', exchange, negativeVerdict.violations));
  }
  const after = await snapshot(call, fixtures);
  if (before !== repeated) {
    results.push(skipped(operationId, 'invalid requests change nothing', 'two identical reads of the services list and scaling answered differently, so the stored state cannot be compared'));
  } else if (before !== after) {
    results.push(failed(operationId, 'invalid requests change nothing', `stored state changed while the server answered invalid requests: before ${before}, after ${after}`));
  } else {
    results.push(passed(operationId, 'invalid requests change nothing'));
  }
  return results;
}

/**
 * Reads what invalid requests must not change: the services list and the desired count
 * of a scalable service (through a no-op scaling change, which every contract has).
 */
async function snapshot(call: Call, fixtures: Fixtures): Promise<string> {
  const services = await call('GET', '/v1/services?skip=0&take=100');
  const listing = (services.json ?? {}) as { count?: unknown; services?: { id?: unknown; name?: unknown }[] };
  const parts = [`services count ${String(listing.count)}`, `ids ${(listing.services ?? []).map((service) => `${String(service.id)}:${String(service.name)}`).join(',')}`];

  const scalable = fixtures.services.find((service) => ['web', 'web-private', 'worker', 'network-server'].includes(service.type));
  if (scalable !== undefined) {
    const scaling = await call('POST', `/v1/services/${encodeURIComponent(scalable.id)}/scaling`, { body: '{"operation":"add","count":0}', contentType: 'application/json' });
    parts.push(`desired count of ${scalable.id} ${String((scaling.json as { newDesiredCount?: unknown } | undefined)?.newDesiredCount)}`);
  }
  return parts.join('; ');
}

function rank(operation: Operation): number {
  const index = CREATORS.indexOf(operation.operationId ?? '');
  return index === -1 ? CREATORS.length : index;
}
