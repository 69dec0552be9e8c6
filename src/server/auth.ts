// The documentation prints three forms of the header: "Bearer KEY", "Bearer: KEY" and the
// bare key. The scheme is case-insensitive (RFC 9110, section 11.1) and may be followed by
// several spaces; the key itself is compared exactly.
const BEARER = /^bearer(?::[ \t]*|[ \t]+)(\S+)$/i;
const SCHEME_ONLY = /^bearer:?$/i;

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
