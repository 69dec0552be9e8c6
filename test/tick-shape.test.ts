import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { isTickShapeHeld } from '../src/server/tick-shape.js';
import { startFixtureServer, type TestServer } from './helpers/test-server.js';

describe('tick shape', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startFixtureServer();
  });

  afterAll(async () => {
    await server.close();
  });

  // The capture depends on Node's name for queue entries ('TickObject'). If a Node
  // release renames it, the server still works but loses its guard against the slow path.
  it('holds a nextTick queue entry once a server starts', () => {
    expect(isTickShapeHeld()).toBe(true);
  });
});
