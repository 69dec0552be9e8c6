import { spawn } from 'node:child_process';

import { describe, expect, it } from 'vitest';

const PROJECT_ROOT = new URL('..', import.meta.url).pathname;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI from source to completion; only for invocations that exit by themselves. */
function runCli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('command line', () => {
  it('prints help with units and defaults', async () => {
    const run = await runCli(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('--port N');
    expect(run.stdout).toContain('default 4010');
    expect(run.stdout).toContain('--clock-speed N');
    expect(run.stdout).toContain('Simulated seconds per real second');
  });

  it('prints the package version', async () => {
    const run = await runCli(['--version']);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it.each([
    [['--port', 'abc'], "invalid --port 'abc'"],
    [['--clock-speed', '0'], "invalid --clock-speed '0'"],
    [['--clock', 'fast'], "invalid --clock 'fast'"],
    [['--log-level', 'loud'], "invalid --log-level 'loud'"],
    [['--bogus'], "Unknown option '--bogus'"],
    [['--world', '/nonexistent/world.json'], 'Cannot read world fixture /nonexistent/world.json'],
  ])('rejects %j with one line', async (args, message) => {
    const run = await runCli(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).not.toContain('    at ');
  });

  it('reads an option from the environment', async () => {
    const run = await runCli([], { PORT: '70000' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("invalid --port '70000'");
  });
});
