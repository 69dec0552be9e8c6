// The benchmark: request rates of the mock against a bare Fastify server, start-up and
// reset times, and reads at scale. Servers run pinned to core 0 and autocannon to core 1,
// side by side in one run and in alternating order, because absolute figures on a shared
// machine drift between runs and only ratios measured together count.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';

import autocannon from 'autocannon';

import { startMock } from '../../src/start-mock.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const WARMUP_S = Number(process.env.BENCH_WARMUP ?? 2);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = 10;
const SERVER_CORE = '0';
// For profiling one part: BENCH_ONLY names sections (rates, startup, scale) and
// BENCH_ENDPOINTS a part of the operation names to keep. A filtered run prints its
// figures and leaves docs/benchmarks.md alone, since it is not the full benchmark.
const ONLY = process.env.BENCH_ONLY?.split(',') ?? null;
const ENDPOINT_FILTER = process.env.BENCH_ENDPOINTS ?? null;
const FILTERED = ONLY !== null || ENDPOINT_FILTER !== null;

interface Rate {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
}

interface Endpoint {
  name: string;
  method: 'GET' | 'POST';
  path: (ids: MockIds) => string;
  body?: string;
  authorized: boolean;
}

interface MockIds {
  deploymentId: string;
  invalidationId: string;
}

const ALL_ENDPOINTS: Endpoint[] = [
  { name: 'GET invalidation status', method: 'GET', path: (ids) => `/v1/cloudfront/invalidation/${ids.invalidationId}`, authorized: true },
  { name: 'POST invalidation', method: 'POST', path: () => '/v1/services/svc_static/cloudfront/invalidation', body: '{"paths":["/index.html"]}', authorized: true },
  { name: 'GET deployment', method: 'GET', path: (ids) => `/v1/deployments/${ids.deploymentId}`, authorized: true },
  { name: 'GET services, take 25', method: 'GET', path: () => '/v1/services?take=25', authorized: true },
  { name: 'deploy hook', method: 'GET', path: () => '/api/deploy-hook/12/s3cr3t', authorized: false },
];
const ENDPOINTS = ALL_ENDPOINTS.filter((endpoint) => ENDPOINT_FILTER === null || endpoint.name.includes(ENDPOINT_FILTER));

const failures: string[] = [];

async function main(): Promise<void> {
  const lines: string[] = [];
  const started = new Date();
  lines.push(
    '# Benchmarks',
    '',
    `Measured by \`npm run bench\` on ${started.toISOString().slice(0, 10)}: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}, ${Math.round(os.totalmem() / 2 ** 30)} GiB.`,
    `Servers run pinned to core ${SERVER_CORE} with \`taskset\`, autocannon on the other core; ${CONNECTIONS} connections, ${WARMUP_S} s of warm-up, then ${DURATION_S} s per measurement; ${ROUNDS} rounds in alternating order, medians reported. The mock runs the compiled CLI at log level warn, with the fixture world and invalidations that complete at once, and is reset before each of its measurements. The bare Fastify server answers each path with the body the mock sent for it, captured before the run, so both send the same bytes.`,
    '',
  );

  if (ONLY === null || ONLY.includes('rates')) lines.push(...(await requestRates()));
  if (ONLY === null || ONLY.includes('startup')) lines.push(...(await startupTimes()));
  if (ONLY === null || ONLY.includes('scale')) lines.push(...(await scale()));

  lines.push((await readFile(new URL('./findings.md', import.meta.url), 'utf8')).trimEnd(), '');
  if (failures.length > 0) {
    lines.push('', '## Failed', '', 'This run is reported as failed, because some requests did not succeed:', '', ...failures.map((failure) => `- ${failure}`));
  }
  const text = `${lines.join('\n')}\n`;
  process.stdout.write(text);
  if (!FILTERED) await writeFile(new URL('../../docs/benchmarks.md', import.meta.url), text);
  if (failures.length > 0) process.exitCode = 1;
}

async function requestRates(): Promise<string[]> {
  const mock = await startProcess('mock', [
    'dist/cli.js', '--port', '0', '--world', 'test/fixtures/world.json', '--scenario', 'scripts/bench/bench-scenario.yaml', '--clock', 'manual', '--log-level', 'warn', '--log-format', 'json',
  ]);
  let ids = await prepareMock(mock.url);
  const bodiesFile = join(await mkdtemp(join(os.tmpdir(), 'fc-bench-')), 'bodies.json');
  await writeFile(bodiesFile, JSON.stringify(await captureBodies(mock.url, ids)));
  const bare = await startProcess('bare Fastify', ['--import', 'tsx', 'scripts/bench/bare-server.ts', bodiesFile]);

  const results = new Map<string, { bare: Rate[]; mock: Rate[] }>();
  for (const endpoint of ENDPOINTS) results.set(endpoint.name, { bare: [], mock: [] });
  for (let round = 0; round < ROUNDS; round++) {
    for (const endpoint of ENDPOINTS) {
      const order = round % 2 === 0 ? (['bare', 'mock'] as const) : (['mock', 'bare'] as const);
      for (const which of order) {
        const url = which === 'bare' ? bare.url : mock.url;
        // Each measurement starts from the starting world, so the state that earlier
        // write measurements left behind does not slow later reads. The scale section
        // measures reads in a full world on purpose.
        if (which === 'mock') ids = await resetMock(mock.url);
        const rate = await measure(`${endpoint.name} (${which})`, url, endpoint, ids);
        results.get(endpoint.name)?.[which].push(rate);
      }
    }
  }
  bare.stop();
  mock.stop();

  const lines = ['## Request rates', '', 'Target: each operation at 50% or more of bare Fastify\'s requests a second, with a p99 under 10 ms.', ''];
  lines.push('| operation | mock req/s | bare req/s | ratio | mock p50 ms | mock p99 ms | bare p99 ms | target met |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
  for (const endpoint of ENDPOINTS) {
    const entry = results.get(endpoint.name);
    if (entry === undefined) continue;
    const mockRate = medianRate(entry.mock);
    const bareRate = medianRate(entry.bare);
    const ratio = mockRate.requestsPerSecond / bareRate.requestsPerSecond;
    const met = ratio >= 0.5 && mockRate.p99 < 10 ? 'yes' : 'no';
    lines.push(`| ${endpoint.name} | ${round0(mockRate.requestsPerSecond)} | ${round0(bareRate.requestsPerSecond)} | ${ratio.toFixed(2)} | ${mockRate.p50} | ${mockRate.p99} | ${bareRate.p99} | ${met} |`);
  }
  lines.push('');
  return lines;
}

async function startupTimes(): Promise<string[]> {
  const startMockTimes: number[] = [];
  const resetTimes: number[] = [];
  for (let run = 0; run < 20; run++) {
    const begin = performance.now();
    const mock = await startMock();
    const response = await fetch(`${mock.url}/v1/services?take=1`, { headers: { Authorization: `Bearer ${mock.apiKey}` } });
    await response.arrayBuffer();
    startMockTimes.push(performance.now() - begin);

    for (let index = 0; index < 5; index++) {
      await fetch(mock.deployHookUrl()).then((hook) => hook.arrayBuffer());
    }
    const resetBegin = performance.now();
    mock.reset();
    resetTimes.push(performance.now() - resetBegin);
    await mock.close();
  }

  const cliTimes: number[] = [];
  for (let run = 0; run < 10; run++) {
    const begin = performance.now();
    const server = await startProcess('CLI', ['dist/cli.js', '--port', '0', '--log-level', 'warn', '--log-format', 'json'], false);
    await fetch(`${server.url}/health`).then((response) => response.arrayBuffer());
    cliTimes.push(performance.now() - begin);
    server.stop();
  }

  const startMockMedian = median(startMockTimes);
  const resetMedian = median(resetTimes);
  const cliMedian = median(cliTimes);
  return [
    '## Start-up and reset',
    '',
    '| measure | median | target | met |',
    '| --- | ---: | ---: | --- |',
    `| \`startMock()\` to its first answered request (20 runs in one process; the first includes loading the contract) | ${startMockMedian.toFixed(1)} ms | 100 ms | ${startMockMedian < 100 ? 'yes' : 'no'} |`,
    `| \`reset()\` of a tenant with 5 deployments (20 runs) | ${resetMedian.toFixed(2)} ms | 5 ms | ${resetMedian < 5 ? 'yes' : 'no'} |`,
    `| CLI (\`node dist/cli.js\`) from launch to its first answered request (10 runs) | ${cliMedian.toFixed(0)} ms | 1000 ms | ${cliMedian < 1000 ? 'yes' : 'no'} |`,
    '',
  ];
}

async function scale(): Promise<string[]> {
  // The small world has 30 services, so that both worlds return a full page of 25.
  const small = await startProcess('empty world', ['--import', 'tsx', 'scripts/bench/scale-server.ts', '1', '2', '30']);
  const large = await startProcess('large world', ['--import', 'tsx', 'scripts/bench/scale-server.ts', '10000', '100', '10000'], true, 600_000);
  const smallIds = small.extra;
  const largeIds = large.extra;
  const largeRss = await rssOf(large.process);

  const reads = [
    ['GET deployment', (ids: string[]) => `/v1/deployments/${ids[0] ?? ''}`],
    ['GET invalidation status', (ids: string[]) => `/v1/cloudfront/invalidation/${ids[1] ?? ''}`],
    ['GET services, take 25', () => '/v1/services?take=25'],
  ] as const;
  const lines = [
    '## Scale',
    '',
    `The large server holds 10,000 tenants with 100 objects each (half deployments, half invalidations): 1,000,000 objects, and a first tenant with 10,000 services. The small one holds one tenant with one deployment, one invalidation and 30 services, so both list a full page of 25. Resident memory of the large server after filling: ${Math.round(largeRss / 2 ** 20)} MiB (target: under 1 GiB).`,
    '',
    '| read | small world req/s | large world req/s | large / small | within 20% |',
    '| --- | ---: | ---: | ---: | --- |',
  ];
  for (const [name, path] of reads) {
    const smallRates: Rate[] = [];
    const largeRates: Rate[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const endpoint: Endpoint = { name, method: 'GET', path: () => '', authorized: true };
      smallRates.push(await measure(`${name} (small)`, small.url, { ...endpoint, path: () => path(smallIds) }, null, 'bench-key-0'));
      largeRates.push(await measure(`${name} (large)`, large.url, { ...endpoint, path: () => path(largeIds) }, null, 'bench-key-0'));
    }
    const ratio = medianRate(largeRates).requestsPerSecond / medianRate(smallRates).requestsPerSecond;
    lines.push(`| ${name} | ${round0(medianRate(smallRates).requestsPerSecond)} | ${round0(medianRate(largeRates).requestsPerSecond)} | ${ratio.toFixed(2)} | ${ratio >= 0.8 ? 'yes' : 'no'} |`);
  }

  // A deployment ten simulated minutes old costs no more to read than a new one.
  const fresh: Rate[] = [];
  const aged: Rate[] = [];
  const endpoint: Endpoint = { name: 'GET deployment', method: 'GET', path: () => `/v1/deployments/${smallIds[0] ?? ''}`, authorized: true };
  for (let round = 0; round < ROUNDS; round++) fresh.push(await measure('new deployment', small.url, endpoint, null, 'bench-key-0'));
  await fetch(`${small.url}/__mock/clock`, { method: 'POST', headers: { Authorization: 'Bearer bench-key-0', 'Content-Type': 'application/json' }, body: '{"advance":"10m"}' });
  for (let round = 0; round < ROUNDS; round++) aged.push(await measure('deployment after 10 minutes', small.url, endpoint, null, 'bench-key-0'));
  const agedRatio = medianRate(aged).requestsPerSecond / medianRate(fresh).requestsPerSecond;
  lines.push(`| GET deployment 10 simulated minutes old, against a new one | ${round0(medianRate(fresh).requestsPerSecond)} | ${round0(medianRate(aged).requestsPerSecond)} | ${agedRatio.toFixed(2)} | ${agedRatio >= 0.8 ? 'yes' : 'no'} |`, '');

  small.stop();
  large.stop();
  return lines;
}

/** Fetches one response body of the mock per endpoint, for the bare server to send as is. */
async function captureBodies(url: string, ids: MockIds): Promise<Record<string, string>> {
  const bodies: Record<string, string> = {};
  for (const endpoint of ENDPOINTS) {
    const headers: Record<string, string> = {};
    if (endpoint.authorized) headers.Authorization = 'Bearer test-key';
    if (endpoint.body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(`${url}${endpoint.path(ids)}`, { method: endpoint.method, headers, body: endpoint.body });
    bodies[endpoint.name] = await response.text();
  }
  return bodies;
}

async function resetMock(url: string): Promise<MockIds> {
  await fetch(`${url}/__mock/reset`, { method: 'POST', headers: { Authorization: 'Bearer test-key' } }).then((response) => response.arrayBuffer());
  return prepareMock(url);
}

async function prepareMock(url: string): Promise<MockIds> {
  const hook = (await fetch(`${url}/api/deploy-hook/12/s3cr3t`).then((response) => response.json())) as { deploymentId: string };
  const invalidation = (await fetch(`${url}/v1/services/svc_static/cloudfront/invalidation`, {
    method: 'POST',
    headers: { Authorization: 'Bearer test-key', 'Content-Type': 'application/json' },
    body: '{"paths":["/*"]}',
  }).then((response) => response.json())) as { invalidationId: string };
  return { deploymentId: hook.deploymentId, invalidationId: invalidation.invalidationId };
}

async function measure(label: string, baseUrl: string, endpoint: Endpoint, ids: MockIds | null, key = 'test-key'): Promise<Rate> {
  const headers: Record<string, string> = {};
  if (endpoint.authorized) headers.authorization = `Bearer ${key}`;
  if (endpoint.body !== undefined) headers['content-type'] = 'application/json';
  const options = {
    url: `${baseUrl}${endpoint.path(ids ?? { deploymentId: '', invalidationId: '' })}`,
    method: endpoint.method,
    headers,
    body: endpoint.body,
    connections: CONNECTIONS,
  };

  await autocannon({ ...options, duration: WARMUP_S });
  const result = await autocannon({ ...options, duration: DURATION_S });
  const errors = result.errors + result.timeouts + result.non2xx;
  if (errors > 0) failures.push(`${label}: ${errors} of ${result.requests.total} requests failed (non-2xx ${result.non2xx}, errors ${result.errors}, timeouts ${result.timeouts})`);
  process.stderr.write(`${label}: ${round0(result.requests.average)} req/s, p99 ${result.latency.p99} ms\n`);
  return { requestsPerSecond: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors };
}

interface RunningServer {
  url: string;
  extra: string[];
  process: ChildProcess;
  stop: () => void;
}

/** Starts a server process pinned to the server core and waits for the line with its URL. */
function startProcess(label: string, args: string[], pinned = true, timeoutMs = 30_000): Promise<RunningServer> {
  const command = pinned ? 'taskset' : process.execPath;
  const child = spawn(command, pinned ? ['-c', SERVER_CORE, process.execPath, ...args] : args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${label} did not start within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const listening = /listening (http:\/\/\S+)(.*)\n/.exec(output) ?? /serving the Flightcontrol API at (http:\/\/\S+)()/.exec(output);
      if (listening === null) return;
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stdout?.resume();
      resolve({ url: listening[1] ?? '', extra: (listening[2] ?? '').trim().split(' '), process: child, stop: () => child.kill('SIGTERM') });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`${label} exited with code ${code}:\n${output}`)));
  });
}

async function rssOf(child: ChildProcess): Promise<number> {
  // taskset execs node, so the child's pid is the server's.
  const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
  const match = /VmRSS:\s+(\d+) kB/.exec(status);
  return match === null ? 0 : Number(match[1]) * 1024;
}

function medianRate(rates: Rate[]): Rate {
  return {
    requestsPerSecond: median(rates.map((rate) => rate.requestsPerSecond)),
    p50: median(rates.map((rate) => rate.p50)),
    p99: median(rates.map((rate) => rate.p99)),
    errors: rates.reduce((sum, rate) => sum + rate.errors, 0),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

function round0(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

await main();
