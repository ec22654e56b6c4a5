import { ArtifactParseError, type LineScanner } from '../artifact-kind.js';
import { mayHaveKubectlPrefix, splitKubectlPrefix } from '../logs/kubectl-prefix.js';
import { stripAnsi } from '../text.js';
import { compareText } from '../../order.js';
import { ztunnelError, type ZtunnelErrorLine } from './errors.js';
import { parseZtunnelLine, type ZtunnelFormat } from './line.js';
import type { ZtunnelError, ZtunnelErrorClass, ZtunnelErrorPair, ZtunnelLogPart, ZtunnelLogSummary } from './schema.js';

/** Lines are cut to this length for matching; a log is never held whole. */
export const MAX_LINE_CHARS = 8 * 1024;
/** The first and last line of each error text are kept cut to this (a finding quotes a few hundred characters). */
export const MAX_KEPT_LINE_CHARS = 2048;
/** Distinct error texts kept per log: past this, their lines are only counted. */
export const MAX_ERROR_KEYS = 100;
/** Distinct source → destination pairs kept per error text. */
export const MAX_PAIRS = 20;
/** Sources a `kubectl logs -l app=ztunnel --prefix` file is split into; lines of further pods stay in the file's own part. */
const MAX_SOURCES = 100;
/** ztunnel's one container (named like a sidecar's). */
const ZTUNNEL_CONTAINER = 'istio-proxy';

interface LineRef {
  line: number;
  text: string;
}

interface ErrorTally {
  class: ZtunnelErrorClass;
  key: string;
  level: 'error' | 'warn' | 'info';
  target: string;
  count: number;
  first: LineRef;
  last: LineRef;
  firstTime?: string;
  lastTime?: string;
  pairs: Map<string, ZtunnelErrorPair>;
  pairsDropped: number;
}

/**
 * Scans a ztunnel log line by line, keeping counts and a few lines per error text, never the log.
 * `kubectl logs` prefixes are taken off first (the `--timestamps` time stands in where a line has
 * none; a `--prefix` file of several ztunnel pods is split into one part per pod). A log with lines
 * but not one ztunnel wrote is refused: it could not be read, so it cannot say "no errors".
 */
export class ZtunnelLogScanner implements LineScanner<ZtunnelLogSummary> {
  private lines = 0;
  private readonly own = new ZtunnelTally();
  private readonly sources = new Map<string, { pod: string; container: string; tally: ZtunnelTally }>();
  private readonly otherContainers = new Set<string>();

  line(raw: string, lineNumber: number): void {
    this.lines = lineNumber;
    if (!mayHaveKubectlPrefix(raw)) {
      this.own.line(raw, undefined, lineNumber);
      return;
    }
    const split = splitKubectlPrefix(raw);
    let tally = this.own;
    if (split.pod !== undefined) {
      if (split.container !== ZTUNNEL_CONTAINER) {
        if (this.otherContainers.size < MAX_SOURCES) this.otherContainers.add(split.container!);
        return;
      }
      const key = `${split.pod}/${split.container}`;
      let source = this.sources.get(key);
      if (!source && this.sources.size < MAX_SOURCES) {
        source = { pod: split.pod, container: split.container, tally: new ZtunnelTally() };
        this.sources.set(key, source);
      }
      if (source) tally = source.tally;
    }
    tally.line(split.text, split.time, lineNumber);
  }

  finish(): ZtunnelLogSummary {
    const parts = [...this.sources.values()].sort((a, b) => compareText(a.pod, b.pod));
    const all = [this.own, ...parts.map((p) => p.tally)];
    const recognised = all.reduce((n, t) => n + t.recognised, 0);
    if (recognised === 0 && all.some((t) => t.nonEmpty > 0)) {
      const first = all.find((t) => t.firstText !== undefined)?.firstText ?? '';
      throw new ArtifactParseError(`none of its ${this.lines} lines is a ztunnel log line, so it could not be analysed (first line: ${JSON.stringify(first.slice(0, 80))})`);
    }
    if (recognised === 0 && this.otherContainers.size > 0) {
      const others = [...this.otherContainers].sort(compareText).join(', ');
      throw new ArtifactParseError(`its \`kubectl logs --prefix\` lines come from ${others}, none from ${ZTUNNEL_CONTAINER}: collect with \`-c ${ZTUNNEL_CONTAINER}\``);
    }
    const summary: ZtunnelLogSummary = { ...this.own.finish(), lines: this.lines };
    if (parts.length > 0) summary.sources = parts.map(({ pod, container, tally }) => ({ pod, container, summary: tally.finish() }));
    return summary;
  }
}

/** Counts of one log (or of one pod's lines in a `--prefix` file). */
class ZtunnelTally {
  recognised = 0;
  nonEmpty = 0;
  firstText?: string;
  private lines = 0;
  private formats: Record<ZtunnelFormat, number> = { istio: 0, tracing: 0, json: 0 };
  private errorLines = 0;
  private warnLines = 0;
  private completed = 0;
  private failed = 0;
  private first?: string;
  private last?: string;
  private longLines = 0;
  private invalidUtf8 = 0;
  private readonly errors = new Map<string, ErrorTally>();
  private errorsDropped = 0;

  /** `lineNumber`: the line's number in the file (a `--prefix` part's lines are numbered in the file). */
  line(line: string, prefixTime: string | undefined, lineNumber: number): void {
    this.lines++;
    // The line splitter takes CRLF's CR off; a line handed over with one (a file split on LF elsewhere) is read the same.
    const raw = line.endsWith('\r') ? line.slice(0, -1) : line;
    if (raw.length === 0) return;
    this.nonEmpty++;
    this.firstText ??= raw;
    if (raw.includes('\uFFFD')) this.invalidUtf8++;
    let text = raw.includes('\x1b[') ? stripAnsi(raw) : raw;
    if (text.length > MAX_LINE_CHARS) {
      text = text.slice(0, MAX_LINE_CHARS);
      this.longLines++;
    }
    const parsed = parseZtunnelLine(text);
    if (!parsed) {
      this.stamp(prefixTime);
      return;
    }
    this.recognised++;
    this.formats[parsed.format]++;
    const time = parsed.time ?? prefixTime;
    this.stamp(time);
    if (parsed.level === 'error') this.errorLines++;
    else if (parsed.level === 'warn') this.warnLines++;
    // The hot path: a successful connection is counted, its fields never parsed.
    if (parsed.target === 'access' && parsed.message === 'connection complete' && parsed.level === 'info') {
      this.completed++;
      return;
    }
    if (parsed.level === 'debug' || parsed.level === 'trace') return;
    const error = ztunnelError(parsed);
    if (!error) return;
    if (parsed.target === 'access') this.failed++;
    this.count(error, parsed.level, parsed.target, lineNumber, text, time);
  }

  finish(): ZtunnelLogPart {
    const part: ZtunnelLogPart = {
      lines: this.lines,
      formats: { ...this.formats },
      levels: { error: this.errorLines, warn: this.warnLines },
      connections: { completed: this.completed, failed: this.failed },
      errors: [...this.errors.values()].sort((a, b) => b.count - a.count || compareText(a.class, b.class) || compareText(a.key, b.key)).map(errorOut),
    };
    if (this.first) part.firstTimestamp = this.first;
    if (this.last) part.lastTimestamp = this.last;
    if (this.longLines > 0) part.longLines = this.longLines;
    if (this.invalidUtf8 > 0) part.invalidUtf8Lines = this.invalidUtf8;
    if (this.errorsDropped > 0) part.errorsDropped = this.errorsDropped;
    return part;
  }

  private count(error: ZtunnelErrorLine, level: string, target: string, line: number, text: string, time: string | undefined): void {
    const id = `${error.class}\u0000${error.key}`;
    let tally = this.errors.get(id);
    if (!tally) {
      if (this.errors.size >= MAX_ERROR_KEYS) {
        this.errorsDropped++;
        return;
      }
      // Copied once: the summary outlives the scan and must not hold the chunk the line was read from.
      const first = { line, text: flatCopy(text.slice(0, MAX_KEPT_LINE_CHARS)) };
      tally = { class: error.class, key: flatCopy(error.key), level: 'info', target: flatCopy(target), count: 0, first, last: first, pairs: new Map(), pairsDropped: 0 };
      this.errors.set(id, tally);
    }
    tally.count++;
    if (tally.first.line !== line) tally.last = { line, text };
    if (LEVEL_RANK[level]! > LEVEL_RANK[tally.level]!) tally.level = level as ErrorTally['level'];
    if (time !== undefined) {
      if (tally.firstTime === undefined || time < tally.firstTime) tally.firstTime = time;
      if (tally.lastTime === undefined || time > tally.lastTime) tally.lastTime = time;
    }
    if (error.src === undefined && error.dst === undefined && error.service === undefined) return;
    const pairKey = `${error.src ?? ''}\u0000${error.dst ?? ''}\u0000${error.service ?? ''}`;
    const pair = tally.pairs.get(pairKey);
    if (pair) pair.count++;
    else if (tally.pairs.size < MAX_PAIRS) {
      tally.pairs.set(pairKey, {
        ...(error.src !== undefined ? { src: flatCopy(error.src) } : {}),
        ...(error.dst !== undefined ? { dst: flatCopy(error.dst) } : {}),
        ...(error.service !== undefined ? { service: flatCopy(error.service) } : {}),
        count: 1,
      });
    } else tally.pairsDropped++;
  }

  private stamp(time: string | undefined): void {
    if (!time) return;
    if (this.first === undefined || time < this.first) this.first = time;
    if (this.last === undefined || time > this.last) this.last = time;
  }
}

const LEVEL_RANK: Record<string, number> = { info: 0, warn: 1, error: 2 };

function errorOut(tally: ErrorTally): ZtunnelError {
  // The last line is copied only now: every match replaces it.
  const last = tally.last === tally.first ? tally.first : { line: tally.last.line, text: flatCopy(tally.last.text.slice(0, MAX_KEPT_LINE_CHARS)) };
  const pairs = [...tally.pairs.values()].sort((a, b) => b.count - a.count || compareText(a.src ?? '', b.src ?? '') || compareText(a.dst ?? '', b.dst ?? '') || compareText(a.service ?? '', b.service ?? ''));
  return {
    key: tally.key,
    class: tally.class,
    level: tally.level,
    target: tally.target,
    count: tally.count,
    first: tally.first,
    last,
    ...(tally.firstTime !== undefined ? { firstTime: tally.firstTime } : {}),
    ...(tally.lastTime !== undefined ? { lastTime: tally.lastTime } : {}),
    pairs,
    ...(tally.pairsDropped > 0 ? { pairsDropped: tally.pairsDropped } : {}),
  };
}

/** A string that does not share memory with the one it came from (V8 keeps slices as views of their parent). */
function flatCopy(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}
