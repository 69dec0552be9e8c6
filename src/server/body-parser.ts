import type { FastifyInstance } from 'fastify';
import secureJson from 'secure-json-parse';

/** Error of a request body that is not valid JSON; the error handler turns it into a 400. */
export class MalformedJsonError extends Error {
  readonly statusCode = 400;
  readonly code = 'FC_MALFORMED_JSON';
}

/**
 * Accepts only application/json bodies (any charset), so every other media type gets
 * Fastify's 415. Keys named __proto__ or constructor are dropped rather than rejected:
 * they can do no harm once removed, and the API ignores unknown fields anyway.
 */
export function registerJsonBodyParser(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, text, done) => {
    const body = String(text);
    // An empty body is no body: an operation that needs one reports it as missing, and one
    // that takes none, such as POST /__mock/reset, accepts a client that always sends the header.
    if (body.trim() === '') {
      done(null, undefined);
      return;
    }
    try {
      done(null, secureJson.parse(body, undefined, { protoAction: 'remove', constructorAction: 'remove' }));
    } catch (error) {
      done(new MalformedJsonError((error as Error).message), undefined);
    }
  });
}
