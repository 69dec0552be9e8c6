import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startWrongServer, type WrongServer } from './helpers/wrong-server.js';

const PROJECT_ROOT = new URL('..', import.meta.url).pathname;
const CLI_LIMIT_MS = 25_000;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `flightcontrol-mock contract ARGS` from source, and kills it if it outlives CLI_LIMIT_MS. */
function runContractCli(args: string[]): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.FLIGHTCONTROL_API_KEY;

  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'contract', ...args], {
      cwd: PROJECT_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), CLI_LIMIT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Returns a URL on 127.0.0.1 whose port was free a moment ago and now has no listener. */
async function closedPortUrl(): Promise<string> {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  server.close();
  await once(server, 'close');
  return `http://127.0.0.1:${port}`;
}

/** Splits the Options section of the help into one entry per option, continuation lines included. */
function optionEntries(help: string): Map<string, string> {
  const entries = new Map<string, string>();
  const section = help.split('\nOptions:\n')[1]?.split('\n\n')[0] ?? '';
  let current: string | undefined;
  for (const line of section.split('\n')) {
    const option = /^ {2}(--[a-z-]+)/.exec(line)?.[1];
    if (option !== undefined) current = option;
    if (current !== undefined) entries.set(current, `${entries.get(current) ?? ''} ${line.trim()}`);
  }
  return entries;
}

const OPTIONS = ['--base-url', '--api-key', '--deploy-hook-url', '--contract', '--seed', '--only', '--junit', '--json', '--timeout', '--help'];

describe('contract command help', () => {
  let run: Run;

  beforeAll(async () => {
    run = await runContractCli(['--help']);
  }, CLI_LIMIT_MS);

  it('exits 0 with help', () => {
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: flightcontrol-mock contract /);
    expect(run.stderr).toBe('');
  });

  it('lists every option', () => {
    expect([...optionEntries(run.stdout).keys()]).toEqual(OPTIONS);
  });

  it.each(OPTIONS.filter((option) => option !== '--help'))('states the default of %s', (option) => {
    expect(optionEntries(run.stdout).get(option)).toMatch(/\(required|\(default/);
  });

  it('states units and ranges', () => {
    const entries = optionEntries(run.stdout);
    expect(entries.get('--timeout')).toContain('such as 90s or 10m');
    expect(entries.get('--seed')).toContain('an integer from 0 to 4294967295');
    expect(entries.get('--junit')).toContain('FILE');
    expect(entries.get('--json')).toContain('FILE');
  });

  it('explains the exit statuses', () => {
    expect(run.stdout).toContain('0 when no check failed, 1 when any failed, 2 when the run could not start');
  });
});

// Each case starts its own process, so they run side by side.
describe.concurrent('contract command errors', () => {
  let unreachable: string;

  beforeAll(async () => {
    unreachable = await closedPortUrl();
  });

  it.for([
    ['missing --base-url', () => ['--api-key', 'some-key-123'], 'missing --base-url'],
    ['bad --contract', () => ['--base-url', unreachable, '--api-key', 'some-key-123', '--contract', 'openapi'], "invalid --contract 'openapi'"],
    ['unknown --only', () => ['--base-url', unreachable, '--api-key', 'some-key-123', '--only', 'getServices,deployEverything'], 'unknown operation in --only: deployEverything'],
    ['bad --timeout', () => ['--base-url', unreachable, '--api-key', 'some-key-123', '--timeout', 'soon'], "invalid --timeout 'soon'"],
    ['zero --timeout', () => ['--base-url', unreachable, '--api-key', 'some-key-123', '--timeout', '0s'], "invalid --timeout '0s'"],
  ] as const)('rejects %s with one line', async ([, args, message], { expect }) => {
    const run = await runContractCli(args());
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(run.stderr).not.toContain('    at ');
    expect(run.stdout).toBe('');
  });

  it('rejects an unreachable server', async ({ expect }) => {
    const run = await runContractCli(['--base-url', unreachable, '--api-key', 'some-key-123', '--timeout', '5s']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`cannot reach ${unreachable}`);
    expect(run.stderr).toContain('ECONNREFUSED');
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(run.stderr).not.toContain('    at ');
  });
});

describe('contract command against servers', () => {
  let mockProcess: ChildProcess;
  let mockUrl: string;
  let mockKey: string;
  let wrongServer: WrongServer;
  let reportDirectory: string;

  beforeAll(async () => {
    reportDirectory = await mkdtemp(path.join(tmpdir(), 'contract-cli-'));
    wrongServer = await startWrongServer('services-count-as-string');

    mockProcess = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', '--port', '0', '--clock-speed', '600', '--log-level', 'warn'], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let banner = '';
    mockProcess.stdout?.on('data', (chunk: Buffer) => (banner += chunk.toString()));
    mockProcess.stderr?.on('data', (chunk: Buffer) => (banner += chunk.toString()));

    const deadline = Date.now() + CLI_LIMIT_MS;
    while (!/API key\s+\S+/.test(banner) && mockProcess.exitCode === null && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    const url = /serving the Flightcontrol API at (http:\/\/127\.0\.0\.1:\d+)/.exec(banner)?.[1];
    const key = /API key\s+(\S+)/.exec(banner)?.[1];
    if (url === undefined || key === undefined) throw new Error(`the mock printed no banner with a URL and a key: ${banner}`);
    mockUrl = url;
    mockKey = key;
  }, CLI_LIMIT_MS + 5_000);

  afterAll(async () => {
    if (mockProcess.exitCode === null && mockProcess.signalCode === null) {
      mockProcess.kill('SIGTERM');
      await once(mockProcess, 'exit');
    }
    await wrongServer.close();
    await rm(reportDirectory, { recursive: true, force: true });
  });

  it('rejects a refused key', async () => {
    // Keys shorter than 8 characters never get a tenant, so the mock rejects them with 401.
    const run = await runContractCli(['--base-url', mockUrl, '--api-key', 'short', '--timeout', '5s']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('the server rejected the API key: GET /v1/services returned 401');
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('passes the mock and writes reports', async () => {
    const junitFile = path.join(reportDirectory, 'contract.xml');
    const jsonFile = path.join(reportDirectory, 'contract.json');
    const run = await runContractCli(['--base-url', mockUrl, '--api-key', mockKey, '--timeout', '60s', '--junit', junitFile, '--json', jsonFile]);

    // stderr carries only progress lines, such as "checked 25: …", on a pipe.
    expect(run.stderr.split('\n').filter((line) => line !== '' && !line.startsWith('checked '))).toEqual([]);
    expect(run.code).toBe(0);
    const totalsLine = /(\d+) passed, 0 failed, 0 skipped\n$/.exec(run.stdout);
    expect(totalsLine).not.toBeNull();

    const report = JSON.parse(await readFile(jsonFile, 'utf8')) as { baseUrl: string; totals: { passed: number; failed: number; skipped: number } };
    expect(report.baseUrl).toBe(mockUrl);
    expect(report.totals).toEqual({ passed: Number(totalsLine?.[1]), failed: 0, skipped: 0 });

    const junit = await readFile(junitFile, 'utf8');
    expect(junit).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites /);
    expect(junit).toContain(`tests="${report.totals.passed}" failures="0" skipped="0"`);
    expect(junit).not.toContain('<failure');
  }, CLI_LIMIT_MS);

  it('fails the wrong server', async () => {
    const run = await runContractCli(['--base-url', wrongServer.url, '--api-key', wrongServer.apiKey, '--only', 'getServices', '--timeout', '5s']);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('FAIL 1/2 getServices: valid request');
    expect(run.stdout).toContain('at /count: must be integer, got "10"');
    expect(run.stdout).toMatch(/\d+ passed, 2 failed, 0 skipped\n$/);
  }, CLI_LIMIT_MS);
});
