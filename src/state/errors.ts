/**
 * Failures of the simulation, described in domain terms. The HTTP layer maps each code to
 * a status and an error body in one place (src/server/errors.ts), so nothing here depends on HTTP.
 */
export type DomainErrorCode =
  | 'NOT_FOUND'
  | 'FORBIDDEN'
  | 'INVALID_INPUT'
  | 'SCALING_COUNT_OUT_OF_RANGE'
  | 'SERVICE_NOT_SCALABLE'
  | 'INVALIDATION_SERVICE_NOT_FOUND'
  | 'INVALIDATION_NOT_SUPPORTED'
  | 'INVALID_INVALIDATION_PATH'
  | 'TOO_MANY_INVALIDATIONS'
  | 'DEPLOY_HOOK_NOT_FOUND';

/** A failing input field, named as a client would write it: `count`, `paths[2]`, `envVariables.PORT`. */
export interface FieldProblem {
  path: string;
  in: 'path' | 'query' | 'header' | 'body';
  message: string;
}

export class DomainError extends Error {
  readonly code: DomainErrorCode;
  readonly fields: FieldProblem[];
  /** The value the error is about, where its body names it, such as an invalid path. */
  readonly subject: string | undefined;

  constructor(code: DomainErrorCode, message: string, fields: FieldProblem[] = [], subject?: string) {
    // A domain error is a response for the client, not a fault of the server, so it needs
    // no stack trace. Capturing one cost more than the rest of a 404 response.
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = stackTraceLimit;
    this.name = 'DomainError';
    this.code = code;
    this.fields = fields;
    this.subject = subject;
  }
}

export function notFound(entity: string, id: string): DomainError {
  return new DomainError('NOT_FOUND', `${entity} not found: no ${entity.toLowerCase()} has the id '${id}'.`);
}

export function invalidField(field: FieldProblem): DomainError {
  return new DomainError('INVALID_INPUT', `Invalid request: ${field.path} ${field.message}`, [field]);
}
