import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { DEFAULT_RULES } from '../src/scenarios/rules.js';
import { startFixtureServer, type TestServer } from './helpers/test-server.js';

const CUID = /^c[0-9a-z]{24}$/;
const START_MS = Date.parse('2026-03-01T12:00:00.000Z');
const EXECUTION_PATH = '/v1/services/svc_cron/job/nightly-report/execution';
const { initializingMs, runningMs } = DEFAULT_RULES.job;

describe('job executions', () => {
  let server: TestServer;

  beforeEach(async () => {
    server = await startFixtureServer();
  });

  afterEach(async () => {
    await server.close();
  });

  async function startJob(): Promise<string> {
    const response = await server.request('POST', EXECUTION_PATH, { json: {} });
    expect(response.status).toBe(200);
    return response.body.jobExecutionId;
  }

  describe('create', () => {
    it('starts a job without a body', async () => {
      const response = await server.request('POST', EXECUTION_PATH);

      expect(response.status).toBe(200);
      expect(response.body.jobExecutionId).toMatch(CUID);
    });

    it('starts a job with an empty body', async () => {
      const response = await server.request('POST', EXECUTION_PATH, { json: {} });

      expect(response.status).toBe(200);
      expect(response.body.jobExecutionId).toMatch(CUID);
    });

    it.each([
      ['a string', 'node scripts/report.js --full'],
      ['an array', ['node', 'scripts/report.js', '--full']],
    ])('accepts startCommand as %s', async (_label, startCommand) => {
      const response = await server.request('POST', EXECUTION_PATH, { json: { startCommand } });

      expect(response.status).toBe(200);
      expect(response.body.jobExecutionId).toMatch(CUID);
      expect(server.tenant.world.jobExecutions.get(response.body.jobExecutionId)?.startCommand).toEqual(startCommand);
    });

    it('uses the configured command by default', async () => {
      const id = await startJob();

      expect(server.tenant.world.jobExecutions.get(id)?.startCommand).toBeNull();
    });

    it.each([
      ['a number', 42],
      ['an array of numbers', [1, 2]],
      ['an object', { command: 'node report.js' }],
    ])('rejects startCommand as %s', async (_label, startCommand) => {
      const response = await server.request('POST', EXECUTION_PATH, { json: { startCommand } });

      expect(response.status).toBe(400);
      expect(response.body.errorCode).toBe('FC:Request:Error:VALIDATION_ERROR');
      expect(response.body.errors.map((error: { path: string }) => error.path)).toEqual(['startCommand']);
      expect(server.tenant.world.jobExecutions.size).toBe(0);
    });

    it('gives each execution its own id', async () => {
      const first = await startJob();
      const second = await startJob();

      expect(first).not.toBe(second);
    });

    it('rejects an unknown service with 404', async () => {
      const response = await server.request('POST', '/v1/services/svc_missing/job/nightly-report/execution', { json: {} });

      expect(response.status).toBe(404);
      expect(response.body.errorCode).toBe('FC:Request:Error:NOT_FOUND');
      expect(response.body.message).toContain('svc_missing');
    });

    it('rejects an unknown job with 404', async () => {
      const response = await server.request('POST', '/v1/services/svc_cron/job/weekly-report/execution', { json: {} });

      expect(response.status).toBe(404);
      expect(response.body.errorCode).toBe('FC:Request:Error:NOT_FOUND');
      expect(response.body.message).toContain('weekly-report');
      expect(response.body.message).toContain('nightly-report');
    });

    it('rejects a service without jobs', async () => {
      const response = await server.request('POST', '/v1/services/svc_1/job/nightly-report/execution', { json: {} });

      expect(response.status).toBe(404);
      expect(response.body.errorCode).toBe('FC:Request:Error:NOT_FOUND');
    });

    it('stores nothing for a rejected start', async () => {
      await server.request('POST', '/v1/services/svc_missing/job/nightly-report/execution', { json: {} });
      await server.request('POST', '/v1/services/svc_cron/job/weekly-report/execution', { json: {} });
      await server.request('POST', EXECUTION_PATH, { json: { startCommand: 42 } });

      expect(server.tenant.world.jobExecutions.size).toBe(0);
    });
  });

  describe('status', () => {
    it('reads INITIALIZING at first', async () => {
      const id = await startJob();
      const response = await server.request('GET', `/v1/job-executions/${id}`);

      expect(response.status).toBe(200);
      expect(response.body.id).toBe(id);
      expect(response.body.status).toBe('INITIALIZING');
      expect(response.body.createdAt).toBe(new Date(START_MS).toISOString());
      expect(response.body.finishedAt).toBeNull();
      expect(response.body.exitCode).toBeNull();
      expect(response.body.error).toBeNull();
      expect(response.body.job).toEqual({ id: 'job_nightly', givenId: 'nightly-report' });
    });

    it.each([
      [0, 'INITIALIZING'],
      [initializingMs - 1, 'INITIALIZING'],
      [initializingMs, 'IN_PROGRESS'],
      [initializingMs + runningMs - 1, 'IN_PROGRESS'],
      [initializingMs + runningMs, 'COMPLETED'],
      [86_400_000, 'COMPLETED'],
    ])('reads %i ms after start as %s', async (offsetMs, expected) => {
      const id = await startJob();
      server.advance(offsetMs);
      const response = await server.request('GET', `/v1/job-executions/${id}`);

      expect(response.body.status).toBe(expected);
    });

    it('leaves finishedAt null while running', async () => {
      const id = await startJob();
      server.advance(initializingMs + runningMs - 1);
      const response = await server.request('GET', `/v1/job-executions/${id}`);

      expect(response.body.status).toBe('IN_PROGRESS');
      expect(response.body.finishedAt).toBeNull();
      expect(response.body.exitCode).toBeNull();
    });

    it('sets finishedAt and exitCode at the end', async () => {
      const id = await startJob();
      server.advance(initializingMs + runningMs + 60_000);
      const response = await server.request('GET', `/v1/job-executions/${id}`);

      expect(response.body.status).toBe('COMPLETED');
      expect(response.body.finishedAt).toBe(new Date(START_MS + initializingMs + runningMs).toISOString());
      expect(response.body.exitCode).toBe(0);
      expect(response.body.error).toBeNull();
      expect(response.body.createdAt).toBe(new Date(START_MS).toISOString());
    });

    it('never goes back a stage', async () => {
      const order = ['INITIALIZING', 'IN_PROGRESS', 'COMPLETED'];
      const id = await startJob();
      let previous = 0;
      for (let step = 0; step < 20; step++) {
        const response = await server.request('GET', `/v1/job-executions/${id}`);
        const index = order.indexOf(response.body.status);
        expect(index).toBeGreaterThanOrEqual(previous);
        previous = index;
        server.advance(2_500);
      }

      expect(order[previous]).toBe('COMPLETED');
    });

    it('times each execution from its start', async () => {
      const first = await startJob();
      server.advance(initializingMs);
      const second = await startJob();

      const firstRead = await server.request('GET', `/v1/job-executions/${first}`);
      const secondRead = await server.request('GET', `/v1/job-executions/${second}`);
      expect(firstRead.body.status).toBe('IN_PROGRESS');
      expect(secondRead.body.status).toBe('INITIALIZING');
    });

    it('rejects an unknown execution with 404', async () => {
      const response = await server.request('GET', '/v1/job-executions/cl2kx7acm00003f6gobvidq2i');

      expect(response.status).toBe(404);
      expect(response.body.errorCode).toBe('FC:Request:Error:NOT_FOUND');
      expect(response.body.message).toContain('cl2kx7acm00003f6gobvidq2i');
    });
  });
});
