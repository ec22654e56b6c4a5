/** A metrics minute (`2025-04-22T14:03`, UTC) → epoch milliseconds. */
export function minuteTime(minute: string): number {
  return Date.parse(`${minute}:00Z`);
}

export const MINUTE_MS = 60_000;
