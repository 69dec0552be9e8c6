/**
 * Formats a time the way the deployment endpoint documents it: "2023-01-09 22:10:02.381",
 * in UTC, with a space instead of "T" and no zone. Other endpoints use RFC 3339.
 */
export function formatDeploymentTime(epochMs: number): string {
  return new Date(epochMs).toISOString().replace('T', ' ').slice(0, 23);
}

export function formatIsoTime(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
