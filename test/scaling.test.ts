import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { DEFAULT_RULES } from '../src/scenarios/rules.js';
import type { WorldDefinition } from '../src/state/world-definition.js';
import { startFixtureServer, startTestServer, type TestServer } from './helpers/test-server.js';

const VALIDATION_ERROR = 'FC:Request:Error:VALIDATION_ERROR';
const COUNT_OUT_OF_RANGE = 'Invalid count: must be between 0 and 100';
const TRANSITION_MS = DEFAULT_RULES.scalingTransitionMs;

// One web service with autoscaling on, which the fixture world does not have.
const AUTOSCALED_WORLD: WorldDefinition = {
  seed: 1,
  apiKeys: ['test-key'],
  projects: [{ id: 'prj_1', name: 'Demo Project' }],
  environments: [{ id: 'env_1', projectId: 'prj_1', givenId: 'production', name: 'Production', type: 'standard', region: 'us-east-1' }],
  services: [
    {
      id: 'svc_auto',
      environmentId: 'env_1',
      projectId: 'prj_1',
      givenId: 'web',
      name: 'Web',
      type: 'web',
      desiredCount: 3,
      autoscalingEnabled: true,
      minInstances: 2,
      maxInstances: 8,
    },
  ],
};

function fieldPaths(body: { errors: { path: string }[] }): string[] {
  return body.errors.map((error) => error.path);
}

describe('scaling', () => {
  let server: TestServer;

  beforeEach(async () => {
    server = await startFixtureServer({ rules: DEFAULT_RULES });
  });

  afterEach(async () => {
    await server.close();
  });

  function scale(serviceId: string, json: unknown) {
    return server.request('POST', `/v1/services/${serviceId}/scaling`, { json });
  }

  function readScaling(serviceId: string) {
    return server.request('GET', `/v1/services/${serviceId}/scaling`);
  }

  describe('update', () => {
    it('sets the desired count', async () => {
      const response = await scale('svc_1', { operation: 'set', count: 5 });

      expect(response.status).toBe(200);
      expect(response.body).toEqual({ serviceId: 'svc_1', previousDesiredCount: 2, newDesiredCount: 5, autoscalingEnabled: false });
    });

    it('adds to the desired count', async () => {
      const response = await scale('svc_1', { operation: 'add', count: 3 });

      expect(response.status).toBe(200);
      expect(response.body.previousDesiredCount).toBe(2);
      expect(response.body.newDesiredCount).toBe(5);
    });

    it('removes from the desired count', async () => {
      const response = await scale('svc_1', { operation: 'remove', count: 1 });

      expect(response.status).toBe(200);
      expect(response.body.previousDesiredCount).toBe(2);
      expect(response.body.newDesiredCount).toBe(1);
    });

    it('chains operations on the stored count', async () => {
      const steps = [
        { json: { operation: 'set', count: 4 }, previous: 2, next: 4 },
        { json: { operation: 'add', count: 3 }, previous: 4, next: 7 },
        { json: { operation: 'remove', count: 6 }, previous: 7, next: 1 },
        { json: { operation: 'set', count: 0 }, previous: 1, next: 0 },
        { json: { operation: 'add', count: 100 }, previous: 0, next: 100 },
      ];

      for (const step of steps) {
        const label = `${step.json.operation} ${step.json.count}`;
        const response = await scale('svc_1', step.json);
        expect(response.status, label).toBe(200);
        expect(response.body.previousDesiredCount, label).toBe(step.previous);
        expect(response.body.newDesiredCount, label).toBe(step.next);

        const read = await readScaling('svc_1');
        expect(read.body.desiredInstances, label).toBe(step.next);
      }
    });

    it.each([
      ['set 0', { operation: 'set', count: 0 }, 0],
      ['set 100', { operation: 'set', count: 100 }, 100],
      ['add up to 100', { operation: 'add', count: 98 }, 100],
      ['remove down to 0', { operation: 'remove', count: 2 }, 0],
      ['add 0', { operation: 'add', count: 0 }, 2],
      ['remove 0', { operation: 'remove', count: 0 }, 2],
      ['set the current count', { operation: 'set', count: 2 }, 2],
    ])('accepts %s', async (_label, json, expected) => {
      const response = await scale('svc_1', json);

      expect(response.status).toBe(200);
      expect(response.body.previousDesiredCount).toBe(2);
      expect(response.body.newDesiredCount).toBe(expected);
    });

    it('ignores extra body properties', async () => {
      const response = await scale('svc_1', { operation: 'set', count: 3, reason: 'load test', dryRun: true });

      expect(response.status).toBe(200);
      expect(response.body.newDesiredCount).toBe(3);
    });

    it('leaves other services alone', async () => {
      await scale('svc_1', { operation: 'set', count: 9 });
      const worker = await readScaling('svc_worker');
      const preview = await readScaling('svc_preview_web');

      expect(worker.body.desiredInstances).toBe(1);
      expect(preview.body.desiredInstances).toBe(1);
    });

    it.each([
      ['svc_worker', 1],
      ['svc_preview_web', 1],
    ])('scales %s', async (serviceId, initial) => {
      const response = await scale(serviceId, { operation: 'add', count: 2 });

      expect(response.status).toBe(200);
      expect(response.body.serviceId).toBe(serviceId);
      expect(response.body.previousDesiredCount).toBe(initial);
      expect(response.body.newDesiredCount).toBe(initial + 2);
    });

    it('scales web-private and network-server services', async () => {
      const created = await server.request('POST', '/v1/projects/prj_1/environments', {
        json: {
          name: 'QA',
          region: 'us-east-1',
          services: [
            { id: 'api', name: 'Internal API', type: 'web-private' },
            { id: 'tcp', name: 'TCP Gateway', type: 'network-server' },
          ],
        },
      });
      const list = await server.request('GET', `/v1/services?environmentId=${created.body.environmentId}`);
      const services: { id: string; type: string }[] = list.body.services;

      expect(services.map((service) => service.type)).toEqual(['web-private', 'network-server']);
      for (const service of services) {
        const response = await scale(service.id, { operation: 'add', count: 2 });
        expect(response.status, service.type).toBe(200);
        expect(response.body.previousDesiredCount, service.type).toBe(1);
        expect(response.body.newDesiredCount, service.type).toBe(3);
      }
    });

    it('updates the service updatedAt', async () => {
      server.advance(60_000);
      await scale('svc_1', { operation: 'set', count: 3 });
      const list = await server.request('GET', '/v1/services?environmentId=env_1');
      const web = list.body.services.find((service: { id: string }) => service.id === 'svc_1');

      expect(web.updatedAt).toBe('2026-03-01T12:01:00.000Z');
      expect(web.createdAt).toBe('2026-01-01T00:00:00.000Z');
    });
  });

  describe('count bounds', () => {
    it.each([
      ['set 101', { operation: 'set', count: 101 }],
      ['set -1', { operation: 'set', count: -1 }],
      ['add -1', { operation: 'add', count: -1 }],
      ['add beyond 100', { operation: 'add', count: 99 }],
      ['add 101', { operation: 'add', count: 101 }],
      ['remove below 0', { operation: 'remove', count: 3 }],
      ['remove 101', { operation: 'remove', count: 101 }],
    ])('rejects %s', async (_label, json) => {
      const response = await scale('svc_1', json);

      expect(response.status).toBe(400);
      expect(response.body.message).toBe(COUNT_OUT_OF_RANGE);
      expect(response.body.errorCode).toBe(VALIDATION_ERROR);
      expect(fieldPaths(response.body)).toEqual(['count']);
    });

    it('rejects a count beyond safe integers', async () => {
      const response = await server.request('POST', '/v1/services/svc_1/scaling', {
        rawBody: '{"operation":"set","count":9007199254740993}',
        headers: { 'Content-Type': 'application/json' },
      });

      expect(response.status).toBe(400);
      expect(response.body.message).toBe(COUNT_OUT_OF_RANGE);
      expect(response.body.errorCode).toBe(VALIDATION_ERROR);
      expect(fieldPaths(response.body)).toEqual(['count']);
    });

    it('rejects an add after reaching 100', async () => {
      const first = await scale('svc_1', { operation: 'add', count: 98 });
      const second = await scale('svc_1', { operation: 'add', count: 1 });

      expect(first.status).toBe(200);
      expect(second.status).toBe(400);
      expect(second.body.message).toBe(COUNT_OUT_OF_RANGE);
    });
  });

  describe('request body', () => {
    it.each([
      ['operation SET', { operation: 'SET', count: 1 }, 'operation'],
      ['operation multiply', { operation: 'multiply', count: 1 }, 'operation'],
      ['operation as an array', { operation: ['set'], count: 1 }, 'operation'],
      ['a missing operation', { count: 1 }, 'operation'],
      ['count as a string', { operation: 'set', count: '3' }, 'count'],
      ['count true', { operation: 'set', count: true }, 'count'],
      ['count as an array', { operation: 'set', count: [3] }, 'count'],
      ['a fractional count', { operation: 'set', count: 2.5 }, 'count'],
      ['a null count', { operation: 'set', count: null }, 'count'],
      ['a missing count', { operation: 'set' }, 'count'],
      ['a null body', null, 'body'],
      ['an array body', [{ operation: 'set', count: 1 }], 'body'],
    ])('rejects %s', async (_label, json, field) => {
      const response = await scale('svc_1', json);

      expect(response.status).toBe(400);
      expect(response.body.errorCode).toBe(VALIDATION_ERROR);
      expect([...new Set(fieldPaths(response.body))]).toEqual([field]);
      expect(response.body.message).toContain(field);
    });

    it('lists both missing fields', async () => {
      const response = await scale('svc_1', {});

      expect(response.status).toBe(400);
      expect(fieldPaths(response.body).sort()).toEqual(['count', 'operation']);
    });

    it('lists both invalid fields', async () => {
      const response = await scale('svc_1', { operation: 'multiply', count: 2.5 });

      expect(response.status).toBe(400);
      expect(fieldPaths(response.body).sort()).toEqual(['count', 'operation']);
    });

    it('rejects a missing body', async () => {
      const response = await server.request('POST', '/v1/services/svc_1/scaling');

      expect(response.status).toBe(400);
      expect(response.body.errorCode).toBe(VALIDATION_ERROR);
      expect(fieldPaths(response.body)).toEqual(['body']);
    });
  });

  describe('lookup', () => {
    const NOT_FOUND = { message: 'Service not found', errorCode: 'FC:Request:Error:NOT_FOUND' };

    it('rejects an unknown service update', async () => {
      const response = await scale('svc_missing', { operation: 'set', count: 1 });

      expect(response.status).toBe(404);
      expect(response.body).toEqual(NOT_FOUND);
    });

    it('rejects an unknown service read', async () => {
      const response = await readScaling('svc_missing');

      expect(response.status).toBe(404);
      expect(response.body).toEqual(NOT_FOUND);
    });

    it.each([
      ['svc_static', 'static'],
      ['svc_db', 'rds'],
      ['svc_cron', 'scheduler'],
    ])('rejects updating %s', async (serviceId, type) => {
      const response = await scale(serviceId, { operation: 'set', count: 1 });

      expect(response.status).toBe(404);
      expect(response.body.errorCode).toBe('FC:Request:Error:NOT_FOUND');
      expect(response.body.message).toContain(serviceId);
      expect(response.body.message).toContain(type);
    });

    it.each(['svc_static', 'svc_db', 'svc_cron'])('rejects reading %s', async (serviceId) => {
      const response = await readScaling(serviceId);

      expect(response.status).toBe(404);
      expect(response.body.errorCode).toBe('FC:Request:Error:NOT_FOUND');
      expect(response.body.message).toContain(serviceId);
    });

    it('checks the service before the count', async () => {
      const unknown = await scale('svc_missing', { operation: 'set', count: 500 });
      const unscalable = await scale('svc_db', { operation: 'set', count: 500 });

      expect(unknown.status).toBe(404);
      expect(unscalable.status).toBe(404);
    });
  });

  describe('read', () => {
    it('reports the fixture counts', async () => {
      const response = await readScaling('svc_1');

      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        serviceId: 'svc_1',
        currentInstances: 2,
        desiredInstances: 2,
        runningInstances: 2,
        pendingInstances: 0,
        autoscalingEnabled: false,
        minInstances: 2,
        maxInstances: 2,
      });
    });

    it.each([
      [0, 2, 3],
      [TRANSITION_MS - 1, 2, 3],
      [TRANSITION_MS, 5, 0],
      [TRANSITION_MS * 10, 5, 0],
    ])('scales up, %i ms later running %i pending %i', async (offsetMs, running, pending) => {
      await scale('svc_1', { operation: 'set', count: 5 });
      server.advance(offsetMs);
      const response = await readScaling('svc_1');

      expect(response.body.desiredInstances).toBe(5);
      expect(response.body.runningInstances).toBe(running);
      expect(response.body.pendingInstances).toBe(pending);
      expect(response.body.currentInstances).toBe(running + pending);
    });

    it.each([
      [0, 2],
      [TRANSITION_MS - 1, 2],
      [TRANSITION_MS, 1],
    ])('scales down, %i ms later running %i', async (offsetMs, running) => {
      await scale('svc_1', { operation: 'remove', count: 1 });
      server.advance(offsetMs);
      const response = await readScaling('svc_1');

      expect(response.body.desiredInstances).toBe(1);
      expect(response.body.runningInstances).toBe(running);
      expect(response.body.pendingInstances).toBe(0);
      expect(response.body.currentInstances).toBe(running);
    });

    it('stops all instances at count 0', async () => {
      await scale('svc_1', { operation: 'set', count: 0 });
      server.advance(TRANSITION_MS);
      const response = await readScaling('svc_1');

      expect(response.body.desiredInstances).toBe(0);
      expect(response.body.runningInstances).toBe(0);
      expect(response.body.currentInstances).toBe(0);
    });

    it('restarts the transition on a new change', async () => {
      await scale('svc_1', { operation: 'set', count: 5 });
      server.advance(TRANSITION_MS / 2);
      await scale('svc_1', { operation: 'set', count: 7 });

      const during = await readScaling('svc_1');
      expect(during.body.runningInstances).toBe(2);
      expect(during.body.pendingInstances).toBe(5);

      server.advance(TRANSITION_MS / 2);
      const atFirstDeadline = await readScaling('svc_1');
      expect(atFirstDeadline.body.runningInstances).toBe(2);

      server.advance(TRANSITION_MS / 2);
      const settled = await readScaling('svc_1');
      expect(settled.body.runningInstances).toBe(7);
      expect(settled.body.pendingInstances).toBe(0);
    });

    it('reports desired as min and max', async () => {
      await scale('svc_1', { operation: 'set', count: 6 });
      const response = await readScaling('svc_1');

      expect(response.body.minInstances).toBe(6);
      expect(response.body.maxInstances).toBe(6);
    });
  });

  describe('rejected requests', () => {
    const rejectedBodies: unknown[] = [
      { operation: 'set', count: 101 },
      { operation: 'add', count: 99 },
      { operation: 'remove', count: 50 },
      { operation: 'SET', count: 4 },
      { operation: 'set', count: '4' },
      { operation: 'set', count: 4.5 },
      { operation: 'set' },
      null,
    ];

    it('leave the stored count', async () => {
      for (const json of rejectedBodies) {
        const response = await scale('svc_1', json);
        expect(response.status, JSON.stringify(json)).toBe(400);
      }
      const read = await readScaling('svc_1');
      const next = await scale('svc_1', { operation: 'add', count: 0 });

      expect(read.body.desiredInstances).toBe(2);
      expect(read.body.runningInstances).toBe(2);
      expect(read.body.pendingInstances).toBe(0);
      expect(next.body.previousDesiredCount).toBe(2);
    });

    it('leave a transition running', async () => {
      await scale('svc_1', { operation: 'set', count: 5 });
      server.advance(TRANSITION_MS / 2);
      for (const json of rejectedBodies) {
        const response = await scale('svc_1', json);
        expect(response.status, JSON.stringify(json)).toBe(400);
      }

      const during = await readScaling('svc_1');
      expect(during.body.desiredInstances).toBe(5);
      expect(during.body.runningInstances).toBe(2);
      expect(during.body.pendingInstances).toBe(3);

      server.advance(TRANSITION_MS / 2);
      const settled = await readScaling('svc_1');
      expect(settled.body.runningInstances).toBe(5);
    });

    it('leave updatedAt unchanged', async () => {
      server.advance(60_000);
      for (const json of rejectedBodies) {
        const response = await scale('svc_1', json);
        expect(response.status, JSON.stringify(json)).toBe(400);
      }
      const list = await server.request('GET', '/v1/services?environmentId=env_1');
      const web = list.body.services.find((service: { id: string }) => service.id === 'svc_1');

      expect(web.updatedAt).toBe('2026-01-01T00:00:00.000Z');
    });
  });
});

describe('autoscaled service', () => {
  let server: TestServer;

  beforeEach(async () => {
    server = await startTestServer({ world: AUTOSCALED_WORLD });
  });

  afterEach(async () => {
    await server.close();
  });

  it('reports autoscaling on update', async () => {
    const response = await server.request('POST', '/v1/services/svc_auto/scaling', { json: { operation: 'add', count: 1 } });

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ serviceId: 'svc_auto', previousDesiredCount: 3, newDesiredCount: 4, autoscalingEnabled: true });
  });

  it('reports its min and max', async () => {
    const response = await server.request('GET', '/v1/services/svc_auto/scaling');

    expect(response.status).toBe(200);
    expect(response.body.autoscalingEnabled).toBe(true);
    expect(response.body.desiredInstances).toBe(3);
    expect(response.body.minInstances).toBe(2);
    expect(response.body.maxInstances).toBe(8);
  });
});
