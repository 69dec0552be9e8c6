import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import type { Document } from 'openapi-backend';
import type { OpenAPIV3 } from 'openapi-types';

/**
 * Serves Swagger UI at /docs with the effective Flightcontrol contract and the control
 * API. Their servers are replaced by this server, so "Try it out" calls the mock and not
 * the real API.
 */
export async function registerDocs(app: FastifyInstance, contract: Document): Promise<void> {
  // The document is valid OpenAPI 3.0, but the plugin types it with its own copy of the
  // OpenAPI types, which openapi-backend's type does not match.
  const document = pointAtThisServer(contract) as unknown as OpenAPIV3.Document;
  await app.register(swagger, { mode: 'static', specification: { document } });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: {
      urls: [
        { url: '/docs/json', name: 'Flightcontrol API (effective contract)' },
        { url: '/__mock/openapi.json', name: 'flightcontrol-mock control API' },
      ],
      persistAuthorization: true,
      tryItOutEnabled: true,
    },
  });
}

/** Copies a document with every servers list replaced by the relative root of this server. */
export function pointAtThisServer(document: Document): Document {
  const copy = structuredClone(document);
  copy.servers = [{ url: '/', description: 'this flightcontrol-mock server' }];
  for (const item of Object.values(copy.paths ?? {})) {
    for (const operation of Object.values(item ?? {}) as unknown[]) {
      if (typeof operation === 'object' && operation !== null && 'servers' in operation) delete (operation as { servers?: unknown }).servers;
    }
  }
  return copy;
}
