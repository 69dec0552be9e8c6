/** A command-line problem: printed as one line, and the process exits with code 2. */
export class UsageError extends Error {}

/** Reads a whole number option within a range, or throws a UsageError that names the option. */
export function integerOption(name: string, text: string | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw new UsageError(`invalid ${name} '${text}': expected a whole number from ${min} to ${max}`);
  }
  return value;
}
