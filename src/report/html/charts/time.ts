/** `2025-04-22T14:03` (a metrics minute) or any ISO time the bundle wrote → epoch milliseconds. */
export function minuteTime(minute: string): number {
  return Date.parse(`${minute}:00Z`);
}

export function isoTime(time: string): number | undefined {
  const t = Date.parse(time);
  return Number.isFinite(t) ? t : undefined;
}

export const MINUTE_MS = 60_000;
