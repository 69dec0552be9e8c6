import type { FastifyServerOptions } from 'fastify';

// Deploy-hook URLs carry their secret as the second segment after /api/deploy-hook/. The
// match ignores case, because a wrongly cased URL still carries a real secret, and takes
// the absolute form (http://host/api/...) that HTTP/1.1 allows as a request target.
const DEPLOY_HOOK_SECRET = /^((?:[a-z][a-z0-9+.-]*:\/\/[^/?]*)?\/api\/deploy-hook\/[^/?]*\/)[^/?]*/i;
const SLASH = 0x2f;
const LOWERCASE_A = 0x61;

/** Replaces the secret of a deploy-hook URL, so that no log line contains one. */
export function redactUrl(url: string): string {
  // A path that does not start with /a or /A cannot be a hook URL. Checking that first
  // spares most requests a regular expression.
  if (url.charCodeAt(0) === SLASH && (url.charCodeAt(1) | 0x20) !== LOWERCASE_A) return url;
  return url.replace(DEPLOY_HOOK_SECRET, '$1[redacted]');
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** `pretty`: one readable line per entry, for a terminal. `json`: one JSON object per line, for collectors. */
export type LogFormat = 'pretty' | 'json';

/**
 * Pino options for the server. The request serializer drops headers, so neither the
 * Authorization header nor a cookie can reach a log line, and redacts hook secrets.
 */
export function loggerOptions(level: LogLevel, stream?: NodeJS.WritableStream, format: LogFormat = 'json'): FastifyServerOptions['logger'] {
  // pino-pretty runs in a worker thread and writes to standard output; a given stream wins.
  const destination =
    stream !== undefined
      ? { stream }
      : format === 'pretty'
        ? { transport: { target: 'pino-pretty', options: { translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname,reqId', singleLine: true } } }
        : {};
  return {
    level,
    ...destination,
    serializers: {
      req: (request: { method: string; url: string; id?: string }) => ({
        method: request.method,
        url: redactUrl(request.url),
        id: request.id,
      }),
    },
    redact: { paths: ['req.headers.authorization', 'headers.authorization', 'authorization'], censor: '[redacted]' },
  };
}
