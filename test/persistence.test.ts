import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';

import { afterAll, beforeAll, describe, expect, it, type OnTestFinishedHandler } from 'vitest';

import { DATA_FORMAT_VERSION, DEFAULT_FLUSH_INTERVAL_MS } from '../src/state/store.js';
import { createMockClient, type MockRequest } from './helpers/mock-client.js';

// These tests run the command line as a user does: real server processes on real files
// in a temporary folder, stopped by signals or killed with SIGKILL.

const PROJECT_ROOT = new URL('..', import.meta.url).pathname;
const OTHER_KEY = 'ci-job-aaaaaaaa';
const CUID = /^c[0-9a-z]{24}$/;
const CUID_IN_TEXT = /\bc[0-9a-z]{24}\b/g;
const FINAL_DEPLOYMENT_STATUSES = ['SUCCESS', 'NO_CHANGE', 'BUILD_ERROR', 'DEPLOY_ERROR', 'ERROR', 'CANCELLED'];

// Start-up loads and compiles both contracts. That took about 2.5 s per process on this
// project's 2-core machine, and up to 7 s while other suites ran.
const START_TIMEOUT_MS = 45_000;

// The loss window that the crash test enforces. A change acknowledged at time t is saved by
// the first write that starts after the next timer tick, at most DEFAULT_FLUSH_INTERVAL_MS
// later. That write may first wait for one write already in progress, so the change is on
// disk by t + interval + 2 × (serialize + write + rename). WRITE_ALLOWANCE_MS covers those
// two writes (the test prints how long one write of its largest file takes) and the
// scheduling delay of a loaded 2-core machine.
const WRITE_ALLOWANCE_MS = 250;
const LOSS_WINDOW_BOUND_MS = DEFAULT_FLUSH_INTERVAL_MS + WRITE_ALLOWANCE_MS;

// Crash test size: lanes run in parallel, each on its own data file.
const CRASH_LANES = 3;
const ROUNDS_PER_LANE = 5;
const MIN_KILL_DELAY_MS = 150;
const MAX_KILL_DELAY_MS = 1_000;
// Each write loop stops by itself after this long or this many requests, even if no kill comes.
const WRITE_LOOP_LIMIT_MS = 3_000;
const WRITE_LOOP_MAX_REQUESTS = 2_000;

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const allProcesses = new Set<CliProcess>();

/** One run of `node --import tsx src/cli.ts` with its output collected. */
class CliProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<Exit>;
  stdout = '';
  stderr = '';

  constructor(args: string[]) {
    this.child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout?.on('data', (chunk: Buffer) => (this.stdout += chunk.toString()));
    this.child.stderr?.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve, reject) => {
      this.child.on('error', reject);
      this.child.on('exit', (code, signal) => resolve({ code, signal }));
    });
    allProcesses.add(this);
    void this.exited.finally(() => allProcesses.delete(this));
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Waits for the banner and returns the server's URL and API key. */
  async waitForBanner(): Promise<{ url: string; apiKey: string }> {
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (!this.stdout.includes('  Stop ')) {
      if (!this.running) throw new Error(`The server exited before its banner.\nstdout: ${this.stdout}\nstderr: ${this.stderr}`);
      if (Date.now() > deadline) throw new Error(`No banner within ${START_TIMEOUT_MS} ms.\nstderr: ${this.stderr}`);
      await sleep(20);
    }
    const url = /serving the Flightcontrol API at (http:\/\/127\.0\.0\.1:\d+)/.exec(this.stdout)?.[1];
    const apiKey = /API key +(\S+)/.exec(this.stdout)?.[1];
    if (url === undefined || apiKey === undefined) throw new Error(`The banner has no URL or API key:\n${this.stdout}`);
    return { url, apiKey };
  }

  /** Sends a signal and waits for the exit. */
  async stop(signal: NodeJS.Signals): Promise<Exit> {
    this.child.kill(signal);
    return this.exited;
  }

  async kill(): Promise<void> {
    if (this.running) this.child.kill('SIGKILL');
    await this.exited;
  }
}

interface Server {
  process: CliProcess;
  url: string;
  apiKey: string;
  /** A client whose every response is checked against the contracts. */
  request: MockRequest;
}

/** Starts CLI processes for one test and kills those still running when it finishes. */
function launcherFor(onTestFinished: (handler: OnTestFinishedHandler) => void) {
  const mine: CliProcess[] = [];
  onTestFinished(async () => {
    await Promise.all(mine.map((cli) => cli.kill()));
  });

  const run = (args: string[]): CliProcess => {
    const cli = new CliProcess(args);
    mine.push(cli);
    return cli;
  };

  const start = async (dataFile: string, extraArgs: string[] = []): Promise<Server> => {
    const cli = run(['--port', '0', '--data', dataFile, '--log-level', 'warn', ...extraArgs]);
    const { url, apiKey } = await cli.waitForBanner();
    return { process: cli, url, apiKey, request: createMockClient(url, apiKey) };
  };

  return { run, start };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

let folder: string;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'fc-mock-persistence-'));
});

afterAll(async () => {
  await Promise.all([...allProcesses].map((cli) => cli.kill()));
  await rm(folder, { recursive: true, force: true });
});

/** The parts of GET /__mock/world that these tests read. */
interface WorldView {
  tenant: string;
  now: string;
  projects: { id: string }[];
  environments: { id: string; projectId: string; givenId: string; type: string; envVariables: string[]; deployHook: { envId: number; url: string } | null }[];
  services: { id: string; environmentId: string; type: string; cloudfront: boolean; desiredCount: number | null }[];
  counts: Record<string, number>;
}

async function readWorld(server: Server, key = server.apiKey): Promise<WorldView> {
  const response = await server.request('GET', '/__mock/world', { key });
  expect(response.status).toBe(200);
  return response.body as WorldView;
}

/** Replaces the server's origin in a world view, so that the views of two runs compare equal. */
function withoutOrigin(world: WorldView, server: Server): unknown {
  return JSON.parse(JSON.stringify(world).replaceAll(server.url, 'ORIGIN'));
}

function environmentOf(world: WorldView, givenId: string, projectIndex = 0): WorldView['environments'][number] {
  const projectId = world.projects[projectIndex]?.id;
  const environment = world.environments.find((candidate) => candidate.projectId === projectId && candidate.givenId === givenId);
  if (environment === undefined) throw new Error(`The world has no ${givenId} environment in project ${projectIndex}.`);
  return environment;
}

function hookUrlOf(environment: WorldView['environments'][number], server: Server): string {
  if (environment.deployHook === null) throw new Error(`Environment ${environment.id} has no deploy hook.`);
  // The URL names the origin of the run that listed it, and each run listens on a new port.
  return `${server.url}${new URL(environment.deployHook.url).pathname}`;
}

function scalableServices(world: WorldView): WorldView['services'] {
  return world.services.filter((service) => service.desiredCount !== null);
}

async function triggerHook(server: Server, url: string): Promise<string> {
  const response = await server.request('GET', url, { key: null });
  expect(response.status).toBe(200);
  return response.body.deploymentId as string;
}

/** Reads the data file as JSON, for the tests that look into it directly. */
async function readDataFile(file: string): Promise<{ format: string; version: number; tenants: any[] }> {
  return JSON.parse(await readFile(file, 'utf8'));
}

function savedDesiredCount(data: { tenants: any[] }, serviceId: string): number | undefined {
  const primary = data.tenants.find((tenant) => tenant.primary === true);
  const service = primary?.world.services.find((candidate: { id: string }) => candidate.id === serviceId);
  return service?.scaling?.desiredCount;
}

/** A scaling write of the crash test, and when its acknowledgement arrived. */
interface ScalingWrite {
  count: number;
  ackedAt: number | null;
}

interface ScalingTrack {
  serviceId: string;
  baseline: number;
  writes: ScalingWrite[];
}

/** What one crash round sent, what was acknowledged, and when the kill came. */
interface CrashRound {
  lane: number;
  round: number;
  killDelayMs: number;
  killedAt: number;
  deployments: { id: string; ackedAt: number }[];
  scaling: ScalingTrack[];
  /** Write loops that had not stopped by themselves when the kill came. */
  loopsRunningAtKill: number;
  /** Responses other than 200, and request errors that came before the kill. */
  unexpected: string[];
}

interface RoundOutcome {
  round: CrashRound;
  /** Acknowledged writes older than the bound that the restarted server does not have. */
  missing: string[];
  lostWrites: number;
  /** Age at the kill of the oldest acknowledged write that was lost, or 0 when none was lost. */
  lossWindowMs: number;
  fileBytes: number;
}

/**
 * Sends deploy hooks one after another until stopped, the limit is reached or the server
 * goes away, and records each acknowledged deployment.
 */
async function deployHookLoop(hookUrls: string[], round: CrashRound, stopped: () => boolean): Promise<void> {
  const deadline = performance.now() + WRITE_LOOP_LIMIT_MS;
  for (let i = 0; i < WRITE_LOOP_MAX_REQUESTS && !stopped() && performance.now() < deadline; i++) {
    const url = hookUrls[i % hookUrls.length] ?? '';
    try {
      const response = await fetch(url);
      const body = (await response.json()) as { deploymentId?: string };
      const ackedAt = performance.now();
      if (response.status === 200 && typeof body.deploymentId === 'string') round.deployments.push({ id: body.deploymentId, ackedAt });
      else round.unexpected.push(`deploy hook answered ${response.status}: ${JSON.stringify(body)}`);
    } catch (error) {
      if (!stopped()) round.unexpected.push(`deploy hook failed before the kill: ${String(error)}`);
      return;
    }
  }
}

/**
 * Sets desired counts round-robin over the services until stopped, the counts run out or
 * the server goes away. Each service gets a rising sequence that skips its baseline, so
 * the count found after the restart shows exactly which of its writes were saved.
 */
async function scalingLoop(url: string, apiKey: string, tracks: ScalingTrack[], round: CrashRound, stopped: () => boolean): Promise<void> {
  const sequences = tracks.map((track) => Array.from({ length: 101 }, (_, count) => count).filter((count) => count !== track.baseline));
  const deadline = performance.now() + WRITE_LOOP_LIMIT_MS;
  for (let step = 0; step < WRITE_LOOP_MAX_REQUESTS && !stopped() && performance.now() < deadline; step++) {
    const index = step % tracks.length;
    const track = tracks[index];
    const count = sequences[index]?.[Math.floor(step / tracks.length)];
    if (track === undefined || count === undefined) return;

    const write: ScalingWrite = { count, ackedAt: null };
    track.writes.push(write);
    try {
      const response = await fetch(`${url}/v1/services/${track.serviceId}/scaling`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${apiKey}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ operation: 'set', count }),
      });
      const body = await response.text();
      if (response.status === 200) write.ackedAt = performance.now();
      else round.unexpected.push(`scaling answered ${response.status}: ${body}`);
    } catch (error) {
      if (!stopped()) round.unexpected.push(`scaling failed before the kill: ${String(error)}`);
      return;
    }
  }
}

/** Runs the two write loops against a server and kills it with SIGKILL at a random moment. */
async function crashRound(lane: number, roundNumber: number, server: Server): Promise<CrashRound> {
  const world = await readWorld(server);
  const hookUrls = world.environments.filter((environment) => environment.type === 'standard').map((environment) => hookUrlOf(environment, server));
  const round: CrashRound = {
    lane,
    round: roundNumber,
    killDelayMs: Math.round(MIN_KILL_DELAY_MS + Math.random() * (MAX_KILL_DELAY_MS - MIN_KILL_DELAY_MS)),
    killedAt: 0,
    deployments: [],
    scaling: scalableServices(world).map((service) => ({ serviceId: service.id, baseline: service.desiredCount ?? 0, writes: [] })),
    loopsRunningAtKill: 0,
    unexpected: [],
  };

  let stopped = false;
  let running = 2;
  const isStopped = () => stopped;
  const loops = Promise.all([
    deployHookLoop(hookUrls, round, isStopped).finally(() => running--),
    scalingLoop(server.url, server.apiKey, round.scaling, round, isStopped).finally(() => running--),
  ]);
  await sleep(round.killDelayMs);
  stopped = true;
  round.loopsRunningAtKill = running;
  round.killedAt = performance.now();
  server.process.child.kill('SIGKILL');
  await server.process.exited;
  await loops;
  return round;
}

/** Checks a killed round against the server restarted on its data file. */
async function checkRound(round: CrashRound, server: Server, fileBytes: number): Promise<RoundOutcome> {
  const missing: string[] = [];
  const lostAges: number[] = [];
  const ageOf = (ackedAt: number) => Math.round(round.killedAt - ackedAt);

  const world = await readWorld(server);
  for (const track of round.scaling) {
    const restored = world.services.find((service) => service.id === track.serviceId)?.desiredCount;
    // -1 when none of this round's writes to the service was saved.
    const savedIndex = track.writes.findIndex((write) => write.count === restored);
    track.writes.forEach((write, index) => {
      if (write.ackedAt === null || index <= savedIndex) return;
      lostAges.push(ageOf(write.ackedAt));
      if (ageOf(write.ackedAt) > LOSS_WINDOW_BOUND_MS) missing.push(`scaling of ${track.serviceId} to ${write.count}, acknowledged ${ageOf(write.ackedAt)} ms before the kill; restored ${String(restored)}`);
    });
  }

  const queue = [...round.deployments];
  const readDeployments = async () => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      const response = await fetch(`${server.url}/v1/deployments/${next.id}`, { headers: { Authorization: `Bearer ${server.apiKey}` } });
      await response.arrayBuffer();
      if (response.status === 200) continue;
      lostAges.push(ageOf(next.ackedAt));
      if (ageOf(next.ackedAt) > LOSS_WINDOW_BOUND_MS) missing.push(`deployment ${next.id}, acknowledged ${ageOf(next.ackedAt)} ms before the kill: ${response.status}`);
    }
  };
  await Promise.all(Array.from({ length: 4 }, readDeployments));

  return { round, missing, lostWrites: lostAges.length, lossWindowMs: Math.max(0, ...lostAges), fileBytes };
}

/** Loads a killed round's file: it must parse, and a server must start on it. */
async function restartAfterKill(file: string, start: (file: string, args?: string[]) => Promise<Server>): Promise<{ server: Server; fileBytes: number }> {
  const text = await readFile(file, 'utf8');
  const data = JSON.parse(text) as { format: string };
  expect(data.format).toBe('flightcontrol-mock');
  return { server: await start(file, ['--clock', 'manual']), fileBytes: Buffer.byteLength(text) };
}

describe.concurrent('data file', () => {
  describe('crash', () => {
    it('keeps acknowledged writes after SIGKILL', { timeout: 300_000 }, async ({ onTestFinished }) => {
      const { start } = launcherFor(onTestFinished);

      const runLane = async (lane: number): Promise<RoundOutcome[]> => {
        const file = join(folder, `crash-${lane}.json`);
        const outcomes: RoundOutcome[] = [];
        let server = await start(file, ['--clock', 'manual']);
        for (let roundNumber = 1; roundNumber <= ROUNDS_PER_LANE; roundNumber++) {
          const round = await crashRound(lane, roundNumber, server);
          const restarted = await restartAfterKill(file, start);
          expect(restarted.server.apiKey).toBe(server.apiKey);
          outcomes.push(await checkRound(round, restarted.server, restarted.fileBytes));
          server = restarted.server;
        }
        await server.process.stop('SIGTERM');
        return outcomes;
      };
      const outcomes = (await Promise.all(Array.from({ length: CRASH_LANES }, (_, lane) => runLane(lane + 1)))).flat();

      // Estimates one write of the largest file: serialize it as lowdb does, then write it.
      const largest = outcomes.reduce((best, outcome) => (outcome.fileBytes > best.fileBytes ? outcome : best));
      const largestData = await readDataFile(join(folder, `crash-${largest.round.lane}.json`));
      const writeStarted = performance.now();
      await writeFile(join(folder, 'write-timing.json'), JSON.stringify(largestData, null, 2));
      const writeMs = performance.now() - writeStarted;

      const acknowledged = outcomes.reduce((sum, outcome) => sum + outcome.round.deployments.length + outcome.round.scaling.reduce((n, track) => n + track.writes.filter((write) => write.ackedAt !== null).length, 0), 0);
      const lossWindowMs = Math.max(...outcomes.map((outcome) => outcome.lossWindowMs));
      console.log(
        [
          `crash test: ${outcomes.length} rounds, ${acknowledged} acknowledged writes, ${outcomes.reduce((sum, outcome) => sum + outcome.lostWrites, 0)} lost`,
          `  largest loss window: ${lossWindowMs} ms (bound ${LOSS_WINDOW_BOUND_MS} ms)`,
          `  kill delays (ms): ${outcomes.map((outcome) => outcome.round.killDelayMs).join(', ')}`,
          `  loss window per round (ms): ${outcomes.map((outcome) => outcome.lossWindowMs).join(', ')}`,
          `  largest data file: ${Math.round(largest.fileBytes / 1024)} KiB, one write of it took ${writeMs.toFixed(1)} ms in the test process`,
        ].join('\n'),
      );

      expect(outcomes).toHaveLength(CRASH_LANES * ROUNDS_PER_LANE);
      expect(outcomes.flatMap((outcome) => outcome.round.unexpected)).toEqual([]);
      // Both write loops were still sending when each kill came.
      expect(outcomes.map((outcome) => outcome.round.loopsRunningAtKill)).toEqual(outcomes.map(() => 2));
      for (const outcome of outcomes) expect(outcome.round.deployments.length).toBeGreaterThan(0);
      expect(outcomes.flatMap((outcome) => outcome.missing)).toEqual([]);
      expect(lossWindowMs).toBeLessThanOrEqual(LOSS_WINDOW_BOUND_MS);
    });
  });

  describe('restart', () => {
    it('keeps the whole state', { timeout: 180_000 }, async ({ onTestFinished }) => {
      const { start } = launcherFor(onTestFinished);
      const file = join(folder, 'restart.json');
      const first = await start(file, ['--clock', 'manual']);

      // Every id below is drawn at the same simulated time, so an id generator that
      // restarted from zero would draw the first of them again after the restart.
      const clock = await first.request('POST', '/__mock/clock', { json: { advance: '90m' } });
      expect(clock.status).toBe(200);

      const world = await readWorld(first);
      const production = environmentOf(world, 'production');
      const deploymentId = await triggerHook(first, hookUrlOf(production, first));

      const site = world.services.find((service) => service.type === 'static' && service.cloudfront);
      if (site === undefined) throw new Error('The generated world has no static site behind CloudFront.');
      const invalidation = await first.request('POST', `/v1/services/${site.id}/cloudfront/invalidation`, { json: { paths: ['/index.html'] } });
      expect(invalidation.status).toBe(200);
      const invalidationId = invalidation.body.invalidationId as string;

      const web = scalableServices(world)[0];
      if (web === undefined) throw new Error('The generated world has no scalable service.');
      const scaledCount = web.desiredCount === 7 ? 8 : 7;
      expect((await first.request('POST', `/v1/services/${web.id}/scaling`, { json: { operation: 'set', count: scaledCount } })).status).toBe(200);

      const variables = await first.request('POST', `/v1/environments/${production.id}/env-variables`, {
        json: { plainText: { PERSISTED_FLAG: 'on' }, parameterStore: { PERSISTED_SECRET: 'not-a-real-secret' } },
      });
      expect(variables.status).toBe(202);

      const created = await first.request('POST', `/v1/projects/${world.projects[0]?.id}/environments`, {
        json: { name: 'Persisted QA', region: 'us-east-1', services: [{ id: 'api', name: 'API', type: 'web' }] },
      });
      expect(created.status).toBe(200);
      const createdHookPath = new URL(created.body.deployHook.url as string).pathname;
      const createdDeploymentId = await triggerHook(first, `${first.url}${createdHookPath}`);

      const otherWorld = await readWorld(first, OTHER_KEY);
      const otherDeploymentId = await triggerHook(first, hookUrlOf(environmentOf(otherWorld, 'production'), first));
      const otherService = scalableServices(otherWorld)[0];
      if (otherService === undefined) throw new Error("The other key's world has no scalable service.");
      const otherScale = await first.request('POST', `/v1/services/${otherService.id}/scaling`, { key: OTHER_KEY, json: { operation: 'set', count: 9 } });
      expect(otherScale.status).toBe(200);
      expect((await first.request('POST', '/__mock/clock', { key: OTHER_KEY, json: { advance: '5m' } })).status).toBe(200);

      const before = {
        clock: (await first.request('GET', '/__mock/clock')).body.now as string,
        otherClock: (await first.request('GET', '/__mock/clock', { key: OTHER_KEY })).body.now as string,
        deployment: (await first.request('GET', `/v1/deployments/${deploymentId}`)).body,
        createdDeployment: (await first.request('GET', `/v1/deployments/${createdDeploymentId}`)).body,
        otherDeployment: (await first.request('GET', `/v1/deployments/${otherDeploymentId}`, { key: OTHER_KEY })).body,
        invalidation: (await first.request('GET', `/v1/cloudfront/invalidation/${invalidationId}`)).body,
        world: withoutOrigin(await readWorld(first), first),
        otherWorld: withoutOrigin(await readWorld(first, OTHER_KEY), first),
      };
      expect(await first.process.stop('SIGTERM')).toEqual({ code: 0, signal: null });

      const second = await start(file, ['--clock', 'manual']);
      expect(second.apiKey).toBe(first.apiKey);
      expect((await second.request('GET', '/__mock/clock')).body.now).toBe(before.clock);
      expect((await second.request('GET', '/__mock/clock', { key: OTHER_KEY })).body.now).toBe(before.otherClock);

      const deployment = await second.request('GET', `/v1/deployments/${deploymentId}`);
      expect(deployment.status).toBe(200);
      expect(deployment.body).toEqual(before.deployment);
      const createdDeployment = await second.request('GET', `/v1/deployments/${createdDeploymentId}`);
      expect(createdDeployment.body).toEqual(before.createdDeployment);
      const invalidationAfter = await second.request('GET', `/v1/cloudfront/invalidation/${invalidationId}`);
      expect(invalidationAfter.status).toBe(200);
      expect(invalidationAfter.body).toEqual(before.invalidation);

      const worldAfter = await readWorld(second);
      expect(worldAfter.services.find((service) => service.id === web.id)?.desiredCount).toBe(scaledCount);
      expect(environmentOf(worldAfter, 'production').envVariables).toEqual(expect.arrayContaining(['PERSISTED_FLAG', 'PERSISTED_SECRET']));
      const qa = worldAfter.environments.find((environment) => environment.id === created.body.environmentId);
      expect(qa?.deployHook?.envId).toBe(created.body.deployHook.envId);
      expect(withoutOrigin(worldAfter, second)).toEqual(before.world);

      // The created environment's hook still deploys.
      expect(await triggerHook(second, `${second.url}${createdHookPath}`)).toMatch(CUID);

      // A new deployment of the first environment draws its ids in the same order and at
      // the same simulated time as the first deployment did. Only the saved id counter
      // keeps them apart from the ids drawn before the restart.
      const idsBefore = new Set([...JSON.stringify({ before, variables: variables.body }).matchAll(CUID_IN_TEXT)].map((match) => match[0]));
      const newDeployment = await second.request('GET', `/v1/deployments/${await triggerHook(second, hookUrlOf(production, second))}`);
      const newIds = [newDeployment.body.deploymentId, ...newDeployment.body.serviceDeployments.map((item: { serviceDeploymentId: string }) => item.serviceDeploymentId)];
      expect(newIds.filter((id) => idsBefore.has(id))).toEqual([]);

      const otherAfter = await readWorld(second, OTHER_KEY);
      expect(otherAfter.tenant).toBe(otherWorld.tenant);
      expect(otherAfter.services.find((service) => service.id === otherService.id)?.desiredCount).toBe(9);
      expect(withoutOrigin(otherAfter, second)).toEqual(before.otherWorld);
      const otherDeployment = await second.request('GET', `/v1/deployments/${otherDeploymentId}`, { key: OTHER_KEY });
      expect(otherDeployment.body).toEqual(before.otherDeployment);
      // Tenants stay apart after the restart: the primary key cannot read the other key's deployment.
      expect((await second.request('GET', `/v1/deployments/${otherDeploymentId}`)).status).toBe(404);
    });

    it('resumes lifecycles by the clock', { timeout: 180_000 }, async ({ onTestFinished }) => {
      const { start } = launcherFor(onTestFinished);
      const file = join(folder, 'lifecycle.json');
      const first = await start(file);

      const world = await readWorld(first);
      const deploymentId = await triggerHook(first, hookUrlOf(environmentOf(world, 'production'), first));
      const site = world.services.find((service) => service.type === 'static' && service.cloudfront);
      if (site === undefined) throw new Error('The generated world has no static site behind CloudFront.');
      const invalidation = await first.request('POST', `/v1/services/${site.id}/cloudfront/invalidation`, { json: { paths: ['/*'] } });
      const invalidationId = invalidation.body.invalidationId as string;

      expect((await first.request('GET', `/v1/deployments/${deploymentId}`)).body.status).toBe('PENDING');
      expect((await first.request('GET', `/v1/cloudfront/invalidation/${invalidationId}`)).body.status).toBe('InProgress');

      expect((await first.request('POST', '/__mock/clock', { json: { advance: '10m' } })).status).toBe(200);
      // Created after the jump: only the few seconds of the restart pass before it is read again.
      const laterDeploymentId = await triggerHook(first, hookUrlOf(environmentOf(world, 'staging'), first));
      expect(await first.process.stop('SIGTERM')).toEqual({ code: 0, signal: null });

      const second = await start(file);
      const offsetMs = Date.parse((await second.request('GET', '/__mock/clock')).body.now as string) - Date.now();
      expect(offsetMs).toBeGreaterThan(9 * 60_000);
      expect(offsetMs).toBeLessThan(11 * 60_000);
      expect((await second.request('GET', `/v1/deployments/${deploymentId}`)).body.status).toBe('SUCCESS');
      expect((await second.request('GET', `/v1/cloudfront/invalidation/${invalidationId}`)).body.status).toBe('Completed');
      expect(FINAL_DEPLOYMENT_STATUSES).not.toContain((await second.request('GET', `/v1/deployments/${laterDeploymentId}`)).body.status);
    });
  });

  describe('signals', () => {
    it.for(['SIGTERM', 'SIGINT'] as const)('%s saves the last change', { timeout: 120_000 }, async (signal, { onTestFinished }) => {
      const { start } = launcherFor(onTestFinished);
      const file = join(folder, `${signal}.json`);
      const server = await start(file, ['--clock', 'manual']);
      const service = scalableServices(await readWorld(server))[0];
      if (service === undefined) throw new Error('The generated world has no scalable service.');
      const count = service.desiredCount === 42 ? 43 : 42;

      // The signal follows the acknowledgement at once, before the next timer tick can write.
      const scaled = await server.request('POST', `/v1/services/${service.id}/scaling`, { json: { operation: 'set', count } });
      expect(scaled.status).toBe(200);
      const exit = await server.process.stop(signal);

      expect(exit).toEqual({ code: 0, signal: null });
      expect(savedDesiredCount(await readDataFile(file), service.id)).toBe(count);
    });
  });

  describe('invalid files', () => {
    const cases: [string, (file: string) => Promise<void>, string][] = [
      ['a directory', (file) => mkdir(file), 'Cannot read data file'],
      ['a truncated file', (file) => writeFile(file, `{"format": "flightcontrol-mock", "version": ${DATA_FORMAT_VERSION}, "tenants": [{"keys": [`), 'Cannot parse data file'],
      ['a foreign JSON file', (file) => writeFile(file, '{"name": "some-package", "version": "1.0.0"}\n'), 'is not a flightcontrol-mock data file'],
      ['a newer format version', (file) => writeFile(file, '{"format": "flightcontrol-mock", "version": 99, "savedAt": "2026-01-01T00:00:00.000Z", "tenants": []}\n'), 'has format version 99'],
      ['an older format version', (file) => writeFile(file, `{"format": "flightcontrol-mock", "version": ${DATA_FORMAT_VERSION - 1}, "savedAt": "2026-01-01T00:00:00.000Z", "tenants": []}\n`), `has format version ${DATA_FORMAT_VERSION - 1}`],
      ['a broken tenant entry', (file) => writeFile(file, `{"format": "flightcontrol-mock", "version": ${DATA_FORMAT_VERSION}, "savedAt": "2026-01-01T00:00:00.000Z", "tenants": [{}]}\n`), 'has an invalid tenant: tenants[0].keys must be an array'],
    ];

    it.for(cases)('rejects %s', { timeout: 120_000 }, async ([name, create, problem], { onTestFinished }) => {
      const { run } = launcherFor(onTestFinished);
      const directory = join(folder, `invalid-${name.replaceAll(' ', '-')}`);
      await mkdir(directory);
      const file = join(directory, 'data.json');
      await create(file);
      const bytesBefore = (await stat(file)).isDirectory() ? null : await readFile(file);

      const cli = run(['--port', '0', '--data', file, '--log-level', 'warn']);
      const exit = await cli.exited;

      expect(exit.code).toBe(2);
      expect(cli.stdout).toBe('');
      const lines = cli.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(file);
      expect(lines[0]).toContain(problem);
      if (bytesBefore === null) expect(await readdir(file)).toEqual([]);
      else expect(await readFile(file)).toEqual(bytesBefore);
      // Nothing else was written beside the file, not even a temporary file.
      expect(await readdir(directory)).toEqual(['data.json']);
    });
  });

  describe('missing folder', () => {
    it('names the folder to create', { timeout: 120_000 }, async ({ onTestFinished }) => {
      const { run } = launcherFor(onTestFinished);
      const missing = join(folder, 'not-created-yet');
      const file = join(missing, 'data.json');

      const cli = run(['--port', '0', '--data', file, '--log-level', 'warn']);
      const exit = await cli.exited;

      expect(exit.code).toBe(2);
      const lines = cli.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`Cannot create data file ${file}: the folder ${missing} does not exist`);
      expect(lines[0]).not.toContain('.tmp');
    });
  });

  describe('write failure', () => {
    it('recovers after a failed write', { timeout: 120_000 }, async ({ onTestFinished }) => {
      const { start } = launcherFor(onTestFinished);
      const file = join(folder, 'write-failure.json');
      const server = await start(file, ['--clock', 'manual']);
      const [first, second] = scalableServices(await readWorld(server));
      if (first === undefined || second === undefined) throw new Error('The generated world has fewer than two scalable services.');

      // lowdb writes through a temporary file beside the data file. A directory in its
      // place makes every write fail until it is removed, as a full disk would.
      const temporary = join(dirname(file), `.${basename(file)}.tmp`);
      await mkdir(temporary);
      const firstCount = first.desiredCount === 11 ? 12 : 11;
      expect((await server.request('POST', `/v1/services/${first.id}/scaling`, { json: { operation: 'set', count: firstCount } })).status).toBe(200);
      await sleep(3 * DEFAULT_FLUSH_INTERVAL_MS);
      expect(savedDesiredCount(await readDataFile(file), first.id)).toBe(first.desiredCount);

      await rm(temporary, { recursive: true });
      const secondCount = second.desiredCount === 13 ? 14 : 13;
      expect((await server.request('POST', `/v1/services/${second.id}/scaling`, { json: { operation: 'set', count: secondCount } })).status).toBe(200);
      await sleep(LOSS_WINDOW_BOUND_MS + DEFAULT_FLUSH_INTERVAL_MS);

      const saved = await readDataFile(file);
      expect(savedDesiredCount(saved, first.id)).toBe(firstCount);
      expect(savedDesiredCount(saved, second.id)).toBe(secondCount);
      expect(await server.process.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    });
  });
});
