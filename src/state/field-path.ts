/**
 * Writes a field's location as a client writes it: `services[0].type` or
 * `envVariables.PORT`, from the segments of a JSON pointer. Numeric segments are read as
 * array indices, which is what they are in every schema of this project.
 */
export function formatFieldPath(segments: readonly string[]): string {
  let path = '';
  for (const segment of segments) {
    if (/^\d+$/.test(segment)) path += `[${segment}]`;
    else path += path === '' ? segment : `.${segment}`;
  }
  return path;
}

/** Splits a JSON pointer such as `/services/0/type` into its unescaped segments. */
export function pointerSegments(pointer: string): string[] {
  return pointer
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Formats a JSON pointer as a field path, or "(top level)" for the root. */
export function describePointer(pointer: string): string {
  const path = formatFieldPath(pointerSegments(pointer));
  return path === '' ? '(top level)' : path;
}
