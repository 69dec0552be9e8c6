import type { DomainError, DomainErrorCode, FieldProblem } from '../state/errors.js';

/**
 * Every error body the server sends, in the real API's documented styles: `{message,
 * errorCode}` on /v1, `{error}` for auth and invalidation errors, and `{success: false,
 * message}` for deploy hooks. Handlers and hooks never build error bodies themselves.
 */
export interface ErrorReply {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

const ERROR_CODE_PREFIX = 'FC:Request:Error:';

export function apiError(status: number, code: string, message: string): ErrorReply {
  return { status, body: { message, errorCode: `${ERROR_CODE_PREFIX}${code}` } };
}

/** Builds a 400 that lists every failing field, so a person can fix them all in one go. */
export function validationError(fields: FieldProblem[], summary?: string): ErrorReply {
  const described = fields.map((field) => `${field.path} ${field.message}`).join('; ');
  const message = summary ?? `Invalid request: ${described}.`;
  return {
    status: 400,
    body: { message, errorCode: `${ERROR_CODE_PREFIX}VALIDATION_ERROR`, errors: fields },
  };
}

export function missingApiKey(): ErrorReply {
  return {
    status: 401,
    body: { error: 'Please use an API key for this request' },
    headers: { 'www-authenticate': 'Bearer' },
  };
}

export function invalidApiKey(): ErrorReply {
  return { status: 401, body: { error: 'Invalid API key' }, headers: { 'www-authenticate': 'Bearer error="invalid_token"' } };
}

export function routeNotFound(method: string, path: string): ErrorReply {
  return apiError(404, 'NOT_FOUND', `Route not found: ${method} ${path} is not an operation of the Flightcontrol API. Check the path against the API reference at /docs.`);
}

export function methodNotAllowed(method: string, path: string, allowed: readonly string[]): ErrorReply {
  const list = allowed.join(', ');
  return {
    ...apiError(405, 'METHOD_NOT_ALLOWED', `Method not allowed: ${path} accepts ${list}, not ${method}.`),
    headers: { allow: list },
  };
}

export function unsupportedMediaType(contentType: string | undefined): ErrorReply {
  const given = contentType === undefined || contentType === '' ? 'no Content-Type header' : `Content-Type '${contentType}'`;
  return apiError(415, 'UNSUPPORTED_MEDIA_TYPE', `Unsupported media type: the request body must be JSON sent with Content-Type: application/json, got ${given}.`);
}

export function payloadTooLarge(limitBytes: number): ErrorReply {
  return apiError(413, 'PAYLOAD_TOO_LARGE', `Payload too large: the request body exceeds the limit of ${limitBytes} bytes. Send fewer items per request.`);
}

export function malformedJson(detail: string): ErrorReply {
  return validationError([{ path: 'body', in: 'body', message: `is not valid JSON: ${detail}` }], `Malformed JSON in the request body: ${detail}. Send a valid JSON document.`);
}

export function badUrl(): ErrorReply {
  return validationError(
    [{ path: 'url', in: 'path', message: 'contains invalid percent-encoding' }],
    'Invalid URL: the path contains invalid percent-encoding. Encode each reserved character as %XX.',
  );
}

export function internalError(detail: string): ErrorReply {
  return { status: 500, body: { error: detail, message: 'There was an unexpected error.' } };
}

/**
 * Builds the response of an injected fault. The x-mock-fault header names the fault, so a person
 * reading a client's log can tell a scripted failure from a bug.
 */
export function faultReply(status: number, retryAfterSeconds: number, label: string): ErrorReply {
  const headers: Record<string, string> = { 'x-mock-fault': label };
  if (status === 429) {
    headers['retry-after'] = String(retryAfterSeconds);
    return { ...apiError(429, 'RATE_LIMITED', `Too many requests: retry after ${retryAfterSeconds} seconds.`), headers };
  }
  if (status === 502) return { ...apiError(502, 'BAD_GATEWAY', 'Bad gateway: the request could not reach the API. Retry it.'), headers };
  if (status === 503) return { ...apiError(503, 'SERVICE_UNAVAILABLE', 'Service unavailable: retry the request later.'), headers };
  return { ...internalError('Internal Server Error'), headers };
}

type DomainReplyBuilder = (error: DomainError) => ErrorReply;

// Responses to each domain failure. The invalidation errors use the `{error}`
// body that the documentation prints for them.
const DOMAIN_REPLIES: Record<DomainErrorCode, DomainReplyBuilder> = {
  NOT_FOUND: (error) => apiError(404, 'NOT_FOUND', error.message),
  FORBIDDEN: (error) => apiError(403, 'FORBIDDEN', error.message),
  SERVICE_NOT_SCALABLE: (error) => apiError(404, 'NOT_FOUND', error.message),
  INVALID_INPUT: (error) => validationError(error.fields, error.message),
  SCALING_COUNT_OUT_OF_RANGE: (error) => validationError(error.fields, error.message),
  INVALIDATION_SERVICE_NOT_FOUND: (error) => ({ status: 400, body: { error: error.message } }),
  INVALIDATION_NOT_SUPPORTED: (error) => ({ status: 400, body: { error: error.message } }),
  INVALID_INVALIDATION_PATH: (error) => ({
    status: 400,
    body: { error: `Invalid File Path on path: ${error.subject ?? ''}`, message: error.message },
  }),
  TOO_MANY_INVALIDATIONS: (error) => ({
    status: 400,
    body: { error: 'TooManyInvalidationsInProgress', message: error.message },
  }),
  DEPLOY_HOOK_NOT_FOUND: (error) => ({ status: 404, body: { success: false, message: error.message } }),
};

export function domainErrorReply(error: DomainError): ErrorReply {
  return DOMAIN_REPLIES[error.code](error);
}
