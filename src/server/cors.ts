import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

// Any origin may call the mock from a browser: an API key in a header, not a cookie,
// authorizes a call, so reflecting the origin exposes nothing a page could not send.
const ALLOWED_METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE';
// Headers that a browser client must be able to read: a fault's Retry-After and a 405's Allow.
const EXPOSED_HEADERS = 'Retry-After, Allow';

/**
 * Adds CORS headers to every response and responds to preflight requests. A request
 * without an Origin header, as CI clients and curl send, gets only one header: a Vary
 * that marks the response as depending on the origin, for caches.
 */
export function registerCors(app: FastifyInstance): void {
  app.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    reply.header('vary', 'Origin');
    const origin = request.headers.origin;
    if (origin !== undefined) {
      reply.header('access-control-allow-origin', origin);
      reply.header('access-control-expose-headers', EXPOSED_HEADERS);
    }
    done();
  });

  // Every path accepts OPTIONS, so a browser's preflight passes before the real request
  // brings its key. The preflight reflects the headers the browser requests to send, such as
  // Authorization and Content-Type.
  app.options('*', (request, reply) => {
    if (request.headers.origin !== undefined) {
      reply.header('access-control-allow-methods', ALLOWED_METHODS);
      reply.header('vary', 'Origin, Access-Control-Request-Headers');
      const requested = request.headers['access-control-request-headers'];
      if (requested !== undefined) reply.header('access-control-allow-headers', requested);
    }
    return reply.code(204).header('content-length', '0').send();
  });
}
