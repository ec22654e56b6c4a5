/**
 * Istio minor releases with their release and end-of-life dates, as istio.io publishes them
 * ("Supported releases", https://istio.io/latest/docs/releases/supported-releases/, tabulated by
 * endoflife.date/istio). A minor is supported until 6 weeks after the N+2 minor is released.
 * Releases newer than this table are reported as unknown, never guessed.
 */
export const ISTIO_RELEASES: readonly { minor: string; released: string; endOfLife: string }[] = [
  { minor: '1.29', released: '2026-02-16', endOfLife: '2026-08-31' },
  { minor: '1.28', released: '2025-11-05', endOfLife: '2026-05-31' },
  { minor: '1.27', released: '2025-08-11', endOfLife: '2026-03-30' },
  { minor: '1.26', released: '2025-05-08', endOfLife: '2025-12-22' },
  { minor: '1.25', released: '2025-03-03', endOfLife: '2025-09-30' },
  { minor: '1.24', released: '2024-11-07', endOfLife: '2025-06-24' },
  { minor: '1.23', released: '2024-08-14', endOfLife: '2025-04-16' },
  { minor: '1.22', released: '2024-05-13', endOfLife: '2025-01-22' },
  { minor: '1.21', released: '2024-03-13', endOfLife: '2024-09-27' },
  { minor: '1.20', released: '2023-11-14', endOfLife: '2024-06-25' },
  { minor: '1.19', released: '2023-09-05', endOfLife: '2024-04-24' },
  { minor: '1.18', released: '2023-06-07', endOfLife: '2024-01-04' },
  { minor: '1.17', released: '2023-02-14', endOfLife: '2023-10-27' },
  { minor: '1.16', released: '2022-11-15', endOfLife: '2023-07-25' },
  { minor: '1.15', released: '2022-08-31', endOfLife: '2023-04-04' },
  { minor: '1.14', released: '2022-06-01', endOfLife: '2022-12-27' },
  { minor: '1.13', released: '2022-02-11', endOfLife: '2022-10-12' },
  { minor: '1.12', released: '2021-11-18', endOfLife: '2022-07-12' },
  { minor: '1.11', released: '2021-08-12', endOfLife: '2022-03-25' },
  { minor: '1.10', released: '2021-05-18', endOfLife: '2022-01-07' },
];

export const SUPPORTED_RELEASES_URL = 'https://istio.io/latest/docs/releases/supported-releases/';

/** `1.24.3` → [1, 24]; undefined for anything that is not a release number. */
export function minorOf(version: string): [number, number] | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.|$)/.exec(version);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

export interface EndOfLife {
  /** The table's end-of-life date of the minor, or, for a minor older than the table, that of the oldest it lists. */
  date: string;
  /** False for a minor older than the table: its support ended before `date`, when that of a later minor did. */
  exact: boolean;
}

/** The oldest minor the table lists: every minor before it was out of support by that minor's end of life. */
export const OLDEST_LISTED = ISTIO_RELEASES[ISTIO_RELEASES.length - 1]!;

/** The end of life of a release's minor; undefined for a minor newer than the table (never guessed). */
export function endOfLife(version: string): EndOfLife | undefined {
  const minor = minorOf(version);
  if (!minor) return undefined;
  const listed = ISTIO_RELEASES.find((r) => r.minor === `${minor[0]}.${minor[1]}`);
  if (listed) return { date: listed.endOfLife, exact: true };
  return compareMinors(minor, minorOf(OLDEST_LISTED.minor)!) < 0 ? { date: OLDEST_LISTED.endOfLife, exact: false } : undefined;
}

/** Release order of two `[major, minor]` pairs. */
export function compareMinors(a: readonly [number, number], b: readonly [number, number]): number {
  return a[0] - b[0] || a[1] - b[1];
}

/**
 * Release order of two version strings (`1.9.8` before `1.10.4`, which text order reverses): by each
 * dotted number, then as text (`1.24.3` before `1.24.3-distroless`).
 */
export function compareReleases(a: string, b: string): number {
  const numbers = (v: string) => (/^v?(\d+(?:\.\d+)*)/.exec(v)?.[1] ?? '').split('.').filter(Boolean).map(Number);
  const [x, y] = [numbers(a), numbers(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? -1) - (y[i] ?? -1);
    if (d !== 0) return d;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}
