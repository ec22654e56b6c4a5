import type { Certificate } from '../../model/views/certificates.js';

/**
 * pilot-agent asks for a new workload certificate once less than `SECRET_GRACE_PERIOD_RATIO` of its
 * lifetime is left (default 0.5: at half of it), moved by up to `SECRET_GRACE_PERIOD_RATIO_JITTER`
 * (default 0.01) so that proxies do not all rotate at once (istio.io pilot-agent reference). A
 * certificate older than that at collection was not replaced: rotation is failing.
 */
export const SECRET_GRACE_PERIOD_RATIO = 0.5;
export const SECRET_GRACE_PERIOD_RATIO_JITTER = 0.01;
/** Share of the lifetime after which a workload certificate is overdue for rotation. */
export const ROTATION_OVERDUE_AT = 1 - SECRET_GRACE_PERIOD_RATIO + SECRET_GRACE_PERIOD_RATIO_JITTER;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** The horizons CERT001 counts certificates against, so failures that will spread are visible before they do. */
export const EXPIRY_HORIZONS = [
  { ms: HOUR, label: 'within the hour' },
  { ms: DAY, label: 'within the day' },
] as const;

export type Validity =
  | { state: 'expired'; since: number }
  | { state: 'not-yet-valid'; in: number }
  | { state: 'overdue'; left: number; elapsed: number }
  | { state: 'valid'; left: number; elapsed: number };

/** A certificate at `now` (the bundle's collection time, never the wall clock). `elapsed` is the share of its lifetime gone. */
export function validityAt(cert: Pick<Certificate, 'notBefore' | 'notAfter'>, now: number, overdueAt = ROTATION_OVERDUE_AT): Validity {
  const start = Date.parse(cert.notBefore);
  const end = Date.parse(cert.notAfter);
  if (now >= end) return { state: 'expired', since: now - end };
  if (now < start) return { state: 'not-yet-valid', in: start - now };
  const elapsed = end > start ? (now - start) / (end - start) : 1;
  return elapsed > overdueAt ? { state: 'overdue', left: end - now, elapsed } : { state: 'valid', left: end - now, elapsed };
}

/** A span as an engineer says it: `6 h 10 min`, `3 d 4 h`, `45 s`: the largest unit and the one after it. */
export function span(ms: number): string {
  const units: Array<[number, string]> = [
    [86_400, 'd'],
    [3_600, 'h'],
    [60, 'min'],
    [1, 's'],
  ];
  let rest = Math.round(Math.abs(ms) / 1000);
  const first = units.findIndex(([size]) => rest >= size);
  if (first < 0) return '0 s';
  const parts: string[] = [];
  for (const [size, unit] of units.slice(first, first + 2)) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0) parts.push(`${count} ${unit}`);
  }
  return parts.join(' ');
}

/** "expired 6 h ago" / "22 h left": the time left at collection, as the certificate table shows it. */
export function timeLeft(cert: Pick<Certificate, 'notBefore' | 'notAfter'>, now: number): string {
  const validity = validityAt(cert, now);
  if (validity.state === 'expired') return `expired ${span(validity.since)} ago`;
  if (validity.state === 'not-yet-valid') return `not valid for another ${span(validity.in)}`;
  return `${span(validity.left)} left`;
}
