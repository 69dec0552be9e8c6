import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { DEFAULT_RULES } from '../src/scenarios/rules.js';
import { startFixtureServer, type TestServer } from './helpers/test-server.js';

const STARTED_MESSAGE =
  'Invalidation Started. Be sure to save your invalidation ID if you would like to check on its status.';
const WILDCARD_MESSAGE = 'If using a wildcard (*), it must be placed at the end of the file path.';
const CUID = /^c[0-9a-z]{24}$/;
const START_TIME = '2026-03-01T12:00:00.000Z';

function filePaths(count: number, prefix = '/assets/file'): string[] {
  return Array.from({ length: count }, (_, index) => `${prefix}-${index}.js`);
}

function wildcardPaths(count: number): string[] {
  return Array.from({ length: count }, (_, index) => `/section-${index}/*`);
}

describe('cloudfront invalidation', () => {
  let server: TestServer;

  beforeEach(async () => {
    server = await startFixtureServer();
  });

  afterEach(async () => {
    await server.close();
  });

  async function invalidate(paths: unknown, serviceId = 'svc_1') {
    return server.request('POST', `/v1/services/${serviceId}/cloudfront/invalidation`, { json: { paths } });
  }

  describe('create and status', () => {
    it('returns the documented message', async () => {
      const response = await invalidate(['/*']);

      expect(response.status).toBe(200);
      expect(response.body.message).toBe(STARTED_MESSAGE);
      expect(response.body.invalidationId).toMatch(CUID);
    });

    it('gives each invalidation its own id', async () => {
      const first = await invalidate(['/index.html']);
      const second = await invalidate(['/index.html']);

      expect(first.body.invalidationId).not.toBe(second.body.invalidationId);
    });

    it('reads InProgress right after create', async () => {
      const created = await invalidate(['/index.html', '/images/*']);
      const status = await server.request('GET', `/v1/cloudfront/invalidation/${created.body.invalidationId}`);

      expect(status.status).toBe(200);
      expect(status.body.invalidationId).toBe(created.body.invalidationId);
      expect(status.body.status).toBe('InProgress');
      expect(status.body.serviceId).toBe('svc_1');
      expect(status.body.paths).toEqual(['/index.html', '/images/*']);
      expect(status.body.createdAt).toBe(START_TIME);
      expect(status.body.completedAt).toBeNull();
    });

    it('stays InProgress until the last millisecond', async () => {
      const created = await invalidate(['/*']);
      server.advance(DEFAULT_RULES.invalidationMs - 1);

      const status = await server.request('GET', `/v1/cloudfront/invalidation/${created.body.invalidationId}`);
      expect(status.body.status).toBe('InProgress');
      expect(status.body.completedAt).toBeNull();
    });

    it('reads Completed after invalidationMs', async () => {
      const created = await invalidate(['/*']);
      server.advance(DEFAULT_RULES.invalidationMs);

      const status = await server.request('GET', `/v1/cloudfront/invalidation/${created.body.invalidationId}`);
      expect(status.body.status).toBe('Completed');
      expect(status.body.completedAt).toBe(new Date(Date.parse(START_TIME) + DEFAULT_RULES.invalidationMs).toISOString());
      expect(status.body.createdAt).toBe(START_TIME);
      expect(status.body.paths).toEqual(['/*']);
    });

    it('stays Completed later on', async () => {
      const created = await invalidate(['/*']);
      const completedAt = new Date(Date.parse(START_TIME) + DEFAULT_RULES.invalidationMs).toISOString();

      for (const stepMs of [DEFAULT_RULES.invalidationMs, 1, 3_600_000, 86_400_000]) {
        server.advance(stepMs);
        const status = await server.request('GET', `/v1/cloudfront/invalidation/${created.body.invalidationId}`);
        expect(status.body.status).toBe('Completed');
        expect(status.body.completedAt).toBe(completedAt);
      }
    });

    it('accepts a static site', async () => {
      const created = await invalidate(['/*'], 'svc_static');
      const status = await server.request('GET', `/v1/cloudfront/invalidation/${created.body.invalidationId}`);

      expect(created.status).toBe(200);
      expect(status.body.serviceId).toBe('svc_static');
    });

    it('accepts a path of 4,000 characters', async () => {
      const path = `/${'a'.repeat(3_999)}`;
      const response = await invalidate([path]);

      expect(response.status).toBe(200);
    });

    it('reads a percent-encoded id', async () => {
      const created = await invalidate(['/index.html']);
      const id: string = created.body.invalidationId;
      const encoded = [...id].map((character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`).join('');

      const status = await server.request('GET', `/v1/cloudfront/invalidation/${encoded}`);
      expect(status.status).toBe(200);
      expect(status.body.invalidationId).toBe(id);
      expect(status.body.paths).toEqual(['/index.html']);
    });

    it('reports an unknown id as 404', async () => {
      const response = await server.request('GET', '/v1/cloudfront/invalidation/cl2kx7acm00003f6gobvidq2i');

      expect(response.status).toBe(404);
      expect(response.body.errorCode).toBe('FC:Request:Error:NOT_FOUND');
      expect(response.body.message).toContain('cl2kx7acm00003f6gobvidq2i');
    });
  });

  describe('path rules', () => {
    it.each([
      ['a wildcard in the middle', '/images/*/logo.png', WILDCARD_MESSAGE],
      ['two wildcards', '/a*/b*', WILDCARD_MESSAGE],
      ['no leading slash', 'index.html', 'A path must start with a slash (/).'],
      ['a bare wildcard', '*', 'A path must start with a slash (/).'],
    ])('rejects %s', async (_label, path, message) => {
      const response = await invalidate(['/ok.html', path]);

      expect(response.status).toBe(400);
      expect(response.body).toEqual({ error: `Invalid File Path on path: ${path}`, message });
    });

    it('rejects a path over 4,000 characters', async () => {
      const path = `/${'a'.repeat(4_000)}`;
      const response = await invalidate([path]);

      expect(response.status).toBe(400);
      expect(response.body.error).toBe(`Invalid File Path on path: ${path}`);
      expect(response.body.message).toContain('4000');
    });

    it('stores nothing for an invalid path', async () => {
      for (const paths of [['/ok.html', '/images/*/logo.png'], ['index.html'], [`/${'a'.repeat(4_000)}`]]) {
        const response = await invalidate(paths);
        expect(response.status).toBe(400);
      }

      expect(server.tenant.world.invalidations.size).toBe(0);
    });
  });

  describe('request validation', () => {
    it('rejects an empty paths list', async () => {
      const response = await invalidate([]);

      expect(response.status).toBe(400);
      expect(response.body.errorCode).toBe('FC:Request:Error:VALIDATION_ERROR');
      expect(response.body.errors.map((error: { path: string }) => error.path)).toEqual(['paths']);
    });

    it('rejects a body without paths', async () => {
      const response = await server.request('POST', '/v1/services/svc_1/cloudfront/invalidation', { json: {} });

      expect(response.status).toBe(400);
      expect(response.body.errorCode).toBe('FC:Request:Error:VALIDATION_ERROR');
      expect(response.body.errors).toContainEqual({ path: 'paths', in: 'body', message: 'is required' });
    });

    it('rejects paths given as a string', async () => {
      const response = await invalidate('/*');

      expect(response.status).toBe(400);
      expect(response.body.errorCode).toBe('FC:Request:Error:VALIDATION_ERROR');
      expect(response.body.errors[0].path).toBe('paths');
      expect(response.body.errors[0].message).toContain('must be an array');
    });

    it('names the first non-string path', async () => {
      const response = await invalidate([1, 2]);

      expect(response.status).toBe(400);
      expect(response.body.errorCode).toBe('FC:Request:Error:VALIDATION_ERROR');
      expect(response.body.errors.map((error: { path: string }) => error.path)).toContain('paths[0]');
      expect(response.body.message).toContain('paths[0]');
    });

    it('stores nothing for an invalid body', async () => {
      await invalidate([]);
      await invalidate('/*');
      await invalidate([1, 2]);
      await server.request('POST', '/v1/services/svc_1/cloudfront/invalidation', { json: {} });

      expect(server.tenant.world.invalidations.size).toBe(0);
    });

    it('rejects a body over 1 MiB with 413', async () => {
      const response = await invalidate([`/${'a'.repeat(1024 * 1024)}`]);

      expect(response.status).toBe(413);
      expect(response.body.errorCode).toBe('FC:Request:Error:PAYLOAD_TOO_LARGE');
      expect(server.tenant.world.invalidations.size).toBe(0);
    });
  });

  describe('services', () => {
    it('rejects an unknown service with 400', async () => {
      const response = await invalidate(['/*'], 'svc_missing');

      expect(response.status).toBe(400);
      expect(response.body).toEqual({ error: 'There are no services with ID: svc_missing' });
    });

    it('rejects a service without CloudFront', async () => {
      const response = await invalidate(['/*'], 'svc_worker');

      expect(response.status).toBe(400);
      expect(response.body.error).toContain('svc_worker');
      expect(response.body.error).toContain('no CloudFront distribution');
    });

    it('stores nothing for a rejected service', async () => {
      await invalidate(['/*'], 'svc_missing');
      await invalidate(['/*'], 'svc_worker');
      await invalidate(['/*'], 'svc_db');

      expect(server.tenant.world.invalidations.size).toBe(0);
    });
  });

  describe('in-progress limits', () => {
    it('accepts 3,000 file paths', async () => {
      const response = await invalidate(filePaths(3_000));

      expect(response.status).toBe(200);
    });

    it('rejects 3,001 file paths at once', async () => {
      const response = await invalidate(filePaths(3_001));

      expect(response.status).toBe(400);
      expect(response.body.error).toBe('TooManyInvalidationsInProgress');
      expect(server.tenant.world.invalidations.size).toBe(0);
    });

    it('rejects a file path over the limit', async () => {
      await invalidate(filePaths(3_000));
      const response = await invalidate(['/one-more.html']);

      expect(response.status).toBe(400);
      expect(response.body.error).toBe('TooManyInvalidationsInProgress');
      expect(response.body.message).toContain('3000 file paths');
      expect(server.tenant.world.invalidations.size).toBe(1);
    });

    it('keeps rejecting until the first completes', async () => {
      await invalidate(filePaths(3_000));

      server.advance(DEFAULT_RULES.invalidationMs - 1);
      const early = await invalidate(['/one-more.html']);
      expect(early.status).toBe(400);

      server.advance(1);
      const late = await invalidate(['/one-more.html']);
      expect(late.status).toBe(200);
    });

    it('counts file paths across requests', async () => {
      const first = await invalidate(filePaths(2_000, '/first'));
      const second = await invalidate(filePaths(1_000, '/second'));
      const third = await invalidate(['/third.html']);

      expect(first.status).toBe(200);
      expect(second.status).toBe(200);
      expect(third.status).toBe(400);
    });

    it('accepts 15 wildcard paths', async () => {
      const response = await invalidate(wildcardPaths(15));

      expect(response.status).toBe(200);
    });

    it('rejects a sixteenth wildcard path', async () => {
      await invalidate(wildcardPaths(15));
      const response = await invalidate(['/more/*']);

      expect(response.status).toBe(400);
      expect(response.body.error).toBe('TooManyInvalidationsInProgress');
      expect(response.body.message).toContain('15 wildcard paths');
    });

    it('frees wildcard slots on completion', async () => {
      await invalidate(wildcardPaths(15));

      server.advance(DEFAULT_RULES.invalidationMs - 1);
      const early = await invalidate(['/more/*']);
      expect(early.status).toBe(400);

      server.advance(1);
      const late = await invalidate(['/more/*']);
      expect(late.status).toBe(200);
    });

    it('counts wildcards and files apart', async () => {
      await invalidate(wildcardPaths(15));
      const files = await invalidate(filePaths(3_000));
      expect(files.status).toBe(200);

      const wildcard = await invalidate(['/more/*']);
      const file = await invalidate(['/more.html']);
      expect(wildcard.status).toBe(400);
      expect(file.status).toBe(400);
    });

    it('limits each distribution separately', async () => {
      await invalidate(filePaths(3_000));
      await invalidate(wildcardPaths(15));

      const other = await invalidate(['/index.html', '/*'], 'svc_static');
      expect(other.status).toBe(200);
    });
  });
});
