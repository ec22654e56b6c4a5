/**
 * What `kubectl logs` itself puts in front of each line, before the container's own text:
 * `--prefix` writes `[pod/<pod>/<container>] ` and `--timestamps` writes the kubelet's receive
 * time (RFC 3339, nanoseconds) and one space. With both flags the source comes first. Customers
 * very often send logs taken this way; the container's line must be classified without them.
 */
export interface KubectlLine {
  /** The container's own line. */
  text: string;
  /** The `--timestamps` time, when the line carried one. */
  time?: string;
  pod?: string;
  container?: string;
}

const SOURCE = /^\[pod\/([a-z0-9][a-z0-9.-]*)\/([a-z0-9][a-z0-9-]*)\] /;
/** kubectl's time and exactly one space; more blanks are a pasted log's own columns. */
const TIMESTAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?(?:Z|[+-]\d\d:\d\d)) (?=\S)/;

/**
 * Istio's own lines start with a timestamp too, but a level follows it (`…Z\tinfo\t…`, or
 * `…Z info` where tabs were pasted as single spaces): a timestamp and one space is kubectl's
 * unless a level word follows.
 */
const OWN_LEVEL = /^(?:trace|debug|info|warn|warning|error|critical|fatal)\s/i;

/**
 * A cheap test, run on every line before anything is allocated: `[pod/…`, or a timestamp whose
 * `Z`/offset is followed by a space (Istio's own timestamps are followed by a tab).
 */
export function mayHaveKubectlPrefix(line: string): boolean {
  const first = line.charCodeAt(0);
  if (first === 0x5b) return line.charCodeAt(1) === 0x70; // `[p`, not an access log's `[2`
  if (first < 0x30 || first > 0x39) return false;
  const space = line.indexOf(' ', 19);
  return space > 0 && space <= 36 && line.charCodeAt(10) === 0x54; // `T` of `YYYY-MM-DDT…`
}

export function splitKubectlPrefix(line: string): KubectlLine {
  if (!mayHaveKubectlPrefix(line)) return { text: line };
  const first = line.charCodeAt(0);
  let text = line;
  let pod: string | undefined;
  let container: string | undefined;
  if (first === 0x5b && text.startsWith('[pod/')) {
    const source = SOURCE.exec(text);
    if (source) {
      pod = source[1];
      container = source[2];
      text = text.slice(source[0].length);
    }
  }
  let time: string | undefined;
  const code = text.charCodeAt(0);
  if (code >= 0x30 && code <= 0x39) {
    const stamp = TIMESTAMP.exec(text);
    if (stamp && !OWN_LEVEL.test(text.slice(stamp[0].length, stamp[0].length + 9))) {
      time = canonicalOffset(stamp[1]!);
      text = text.slice(stamp[0].length);
    }
  }
  if (text === line) return { text };
  return { text, ...(time ? { time } : {}), ...(pod ? { pod, container } : {}) };
}

/** A node's local `+08:00` time is turned into UTC, so it compares with the containers' `…Z` times. */
function canonicalOffset(time: string): string {
  return time.endsWith('Z') ? time : new Date(time).toISOString();
}

/** The same, over a whole head of text (for content sniffing): the container's lines only. */
export function withoutKubectlPrefixes(head: string): string {
  if (!/^(?:\[pod\/|\d{4}-\d\d-\d\dT\S* \S)/m.test(head)) return head;
  return head
    .split('\n')
    .map((line) => splitKubectlPrefix(line).text)
    .join('\n');
}
