import type { Tenant, TenantRegistry } from '../state/tenants.js';
import { invalidApiKey, missingApiKey, type ErrorReply } from './errors.js';

// The documentation prints three forms of the header: "Bearer KEY", "Bearer: KEY" and the
// bare key. The scheme is case-insensitive (RFC 9110, section 11.1) and may be followed by
// several spaces; the key itself is compared exactly.
const BEARER = /^bearer(?::[ \t]*|[ \t]+)(\S+)$/i;
const SCHEME_ONLY = /^bearer:?$/i;

export type AuthResult = { tenant: Tenant } | { error: ErrorReply };

/** Extracts the API key from an Authorization header, or returns null when it has none. */
export function apiKeyFromHeader(header: string | undefined): string | null {
  const value = header?.trim() ?? '';
  if (value === '' || SCHEME_ONLY.test(value)) return null;

  const bearer = BEARER.exec(value);
  if (bearer !== null) return bearer[1] ?? null;
  // Anything else is read as a bare key. A value with spaces, such as "Basic abc",
  // cannot be a key, so it is kept whole and fails the lookup as an invalid key.
  return value;
}

/** Resolves the caller's tenant from the Authorization header, or the documented 401. */
export function authenticate(registry: TenantRegistry, header: string | undefined): AuthResult {
  const key = apiKeyFromHeader(header);
  if (key === null) return { error: missingApiKey() };

  const tenant = registry.findByApiKey(key);
  return tenant === undefined ? { error: invalidApiKey() } : { tenant };
}
