import type { LogPart } from './schema.js';

/**
 * istiod logs each debounced push (pilot/pkg/xds/discovery.go `debounce`):
 * `Push debounce stable[5] 1 for config ServiceEntry/…: 100.9ms since last change, 100.9ms since last push, full=false`
 * (≤ 1.11 and pushes without configs: `Push debounce stable[8] 1: …`). "since last push" is the
 * time since the first change this push carries (`eventDelay`): how long that change waited,
 * behind continuous churn (up to PILOT_DEBOUNCE_MAX, 10 s) or a push still running.
 */
const SINCE_LAST_PUSH = /^Push debounce stable\[\d+\].*, (\S+) since last push\b/;
const MARK = 'Push debounce stable[';

/** The bounds of istiod's `pilot_proxy_convergence_time` buckets (seconds), so both read alike. */
export const PUSH_DELAY_BOUNDS = [0.1, 0.5, 1, 3, 5, 10, 20, 30] as const;

const UNIT_SECONDS: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 1e-3, µs: 1e-6, us: 1e-6, ns: 1e-9 };
const GO_DURATION = /^(?:\d+(?:\.\d+)?(?:h|ms|m|s|µs|us|ns))+$/;

/** A Go `time.Duration` as `%v` prints it (`1m2.5s`, `100.906771ms`, `0s`), in seconds. */
export function goDurationSeconds(text: string): number | undefined {
  if (!GO_DURATION.test(text)) return undefined;
  let seconds = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|µs|us|ns)/g)) seconds += Number(m[1]) * UNIT_SECONDS[m[2]!]!;
  return seconds;
}

/** The push delay of a debounce line, in seconds; undefined for any other line. */
export function pushDebounceDelay(text: string): number | undefined {
  const at = text.indexOf(MARK);
  if (at < 0) return undefined;
  const delay = SINCE_LAST_PUSH.exec(text.slice(at))?.[1];
  return delay === undefined ? undefined : goDurationSeconds(delay);
}

type PushDelays = NonNullable<LogPart['pushDelays']>;

/** Push delays of one log, counted into cumulative buckets like a Prometheus histogram. */
export class PushDelayTally {
  private count = 0;
  private readonly atOrBelow = PUSH_DELAY_BOUNDS.map(() => 0);
  private slowest?: PushDelays['slowest'];

  add(seconds: number, line: number, text: string): void {
    this.count++;
    PUSH_DELAY_BOUNDS.forEach((le, i) => {
      if (seconds <= le) this.atOrBelow[i]!++;
    });
    if (!this.slowest || seconds > this.slowest.seconds) this.slowest = { seconds, line, text };
  }

  finish(): PushDelays | undefined {
    if (!this.slowest) return undefined;
    return { count: this.count, buckets: PUSH_DELAY_BOUNDS.map((le, i) => ({ le, count: this.atOrBelow[i]! })), slowest: this.slowest };
  }
}
