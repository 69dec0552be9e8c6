// Formatted times are cached, because every read of an object formats the same times
// again. The cache is emptied when it reaches its cap, so it stays bounded.
const MAX_CACHED = 50_000;
const deploymentTimes = new Map<number, string>();
const isoTimes = new Map<number, string>();

/**
 * Formats a time the way the deployment endpoint documents it: "2023-01-09 22:10:02.381",
 * in UTC, with a space instead of "T" and no zone. Other endpoints use RFC 3339.
 */
export function formatDeploymentTime(epochMs: number): string {
  return cached(deploymentTimes, epochMs, () => new Date(epochMs).toISOString().replace('T', ' ').slice(0, 23));
}

export function formatIsoTime(epochMs: number): string {
  return cached(isoTimes, epochMs, () => new Date(epochMs).toISOString());
}

function cached(cache: Map<number, string>, epochMs: number, format: () => string): string {
  let text = cache.get(epochMs);
  if (text === undefined) {
    if (cache.size >= MAX_CACHED) cache.clear();
    text = format();
    cache.set(epochMs, text);
  }
  return text;
}
