// How long to wait before connecting again.

export const FIRST_RETRY_DELAY_MS = 500;
export const MAX_RETRY_DELAY_MS = 30_000;

/**
 * Delay before reconnect attempt number `retryCount` (0-based): 0.5 s, 1 s, 2 s, 4 s ... capped
 * at 30 s, with ±20% jitter so that clients cut off together (an edge going away) do not all
 * come back in the same instant.
 * @param random a number in [0, 1), `Math.random` by default
 */
export function backoffDelay(retryCount: number, random: () => number = Math.random): number {
  const attempt = Math.max(0, Math.floor(retryCount));
  const base = Math.min(FIRST_RETRY_DELAY_MS * 2 ** Math.min(attempt, 16), MAX_RETRY_DELAY_MS);
  return Math.round(base * (0.8 + random() * 0.4));
}
