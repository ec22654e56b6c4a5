import { ArtifactParseError, type LineScanner } from '../artifact-kind.js';
import { hostOf, parseAccessLine, type AccessRecord } from './access-log.js';
import { mayHaveKubectlPrefix, splitKubectlPrefix } from './kubectl-prefix.js';
import { proxyIdentity, istioVersion } from './proxy-identity.js';
import { PushDelayTally, pushDebounceDelay } from './push-debounce.js';
import type { LogPart, LogSummary, SignatureHits } from './schema.js';
import { ISTIOD_SIGNATURES } from './istiod-signatures.js';
import { LOG_SIGNATURES, type LogSignature, type SignatureId } from './signatures.js';

/** Proxy signatures istiod logs about its proxies: the ACK errors (NACKs) it receives. */
const ISTIOD_LOGS_OF_PROXIES: ReadonlySet<SignatureId> = new Set(['ackError']);
import { stripAnsi } from '../text.js';
import { compareText, sortedRecord } from '../../order.js';

/** Lines are cut to this length for matching and evidence; a log is never held whole. */
export const MAX_LINE_CHARS = 8 * 1024;
const MAX_BREAKDOWN_KEYS = 200;
/** Destinations kept per log for a tailored Sidecar; past this the list is known to be incomplete. */
const MAX_UPSTREAM_HOSTS = 1000;
const BREAKDOWN_SHOWN = 10;
const MAX_IP_CANDIDATES = 1000;
/**
 * Requests per upstream and minute, for the report's traffic charts and the diff of two bundles:
 * a log holding more upstreams or minutes than this keeps the first ones and counts the rest.
 */
export const MAX_SERIES_UPSTREAMS = 50;
export const MAX_SERIES_CELLS = 20_000;
/** What the access log writes when a request had no upstream cluster (no route, RBAC denial at the listener). */
const NO_UPSTREAM = '-';

/** Sources a `kubectl logs -l … --prefix` file is split into; lines of further pods stay in the file's own part. */
const MAX_SOURCES = 100;

/** `2024-07-25T20:12:59.093175Z<TAB or spaces>level` (Istio Go, Envoy ≥ 1.17 app log, ztunnel). */
const LEVELLED = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z)\s+(\w+)\b/;
/** Levels Istio (zap), Envoy and ztunnel (tracing, upper case before 1.22) write. */
const LEVELS = new Set(['trace', 'debug', 'info', 'warn', 'warning', 'error', 'critical', 'fatal']);
/** Istio with `global.logAsJson`: `{"level":"info","time":"2024-07-25T20:12:59.093175Z","scope":"xdsproxy","msg":"…"}`. */
const JSON_LEVEL = /"level":"(\w+)"/;
const JSON_TIME = /"time":"([^"]+)"/;
/** pilot-agent's start-up lines are looked for this far into a log (or a `--prefix` source). */
const STARTUP_LINES = 500;

/** The time and level of an Istio/Envoy/ztunnel log line, text or JSON; undefined for anything else. */
function levelled(text: string): { time: string | undefined; level: string } | undefined {
  const m = LEVELLED.exec(text);
  if (m) {
    const level = m[2]!.toLowerCase();
    return LEVELS.has(level) ? { time: m[1], level } : undefined;
  }
  if (text.charCodeAt(0) !== 0x7b) return undefined;
  const level = JSON_LEVEL.exec(text)?.[1]?.toLowerCase();
  return level !== undefined && LEVELS.has(level) ? { time: JSON_TIME.exec(text)?.[1], level } : undefined;
}

/** Envoy's own log format before Istio 1.17 / in `--log-format` defaults: `[2020-11-25 21:26:18.409][14][warning][config] …`. */
const ENVOY_BRACKETED = /^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+\]\[\d+\]\[\w+\]/;

/** Per-key evidence lines are cut to this: a finding quotes at most a few hundred characters of them. */
const MAX_KEY_LINE_CHARS = 2048;

interface LineRef {
  line: number;
  text: string;
}

/** Matches of one signature, or of one of its keys: counts, the first and last line, the time span. */
interface Tally {
  count: number;
  accessCount: number;
  first: LineRef;
  last: LineRef;
  firstTime?: string;
  lastTime?: string;
}

interface Hits extends Tally {
  keys: Map<string, Tally>;
}

/**
 * Scans a container log line by line. `kubectl logs` prefixes are taken off first: the
 * `--timestamps` time stands in where the line has none, and a `--prefix` file mixing several
 * pods is split into one part per pod; lines of other containers (`--all-containers`: the
 * application, istio-init) are not this log's and are left out. A log with lines but not one an
 * Envoy or Istio component writes is refused: it could not be read, so it cannot say "nothing found".
 */
export class LogScanner implements LineScanner<LogSummary> {
  private lines = 0;
  private readonly own: LogTally;
  private readonly sources = new Map<string, { pod: string; container: string; tally: LogTally }>();
  private readonly otherContainers = new Set<string>();

  /** `container`: the one this kind of log comes from (`istio-proxy`, `discovery`). */
  constructor(private readonly container: string) {
    this.own = new LogTally(container === ISTIOD_CONTAINER);
  }

  line(raw: string, lineNumber: number): void {
    this.lines = lineNumber;
    if (!mayHaveKubectlPrefix(raw)) {
      this.own.line(raw, lineNumber, undefined);
      return;
    }
    const split = splitKubectlPrefix(raw);
    let tally = this.own;
    if (split.pod !== undefined) {
      if (split.container !== this.container) {
        if (this.otherContainers.size < MAX_SOURCES) this.otherContainers.add(split.container!);
        return;
      }
      const key = `${split.pod}/${split.container}`;
      let source = this.sources.get(key);
      if (!source && this.sources.size < MAX_SOURCES) {
        source = { pod: split.pod, container: split.container!, tally: new LogTally(this.container === ISTIOD_CONTAINER) };
        this.sources.set(key, source);
      }
      if (source) tally = source.tally;
    }
    tally.line(split.text, lineNumber, split.time);
  }

  finish(): LogSummary {
    const parts = [...this.sources.values()].sort((a, b) => compareText(a.pod, b.pod) || compareText(a.container, b.container));
    const recognised = parts.reduce((sum, part) => sum + part.tally.recognised, this.own.recognised);
    if (recognised === 0 && this.own.nonEmpty + parts.reduce((sum, p) => sum + p.tally.nonEmpty, 0) > 0) {
      // Some part has a line of text (nonEmpty > 0); the first part may hold only blank ones.
      const first = [this.own, ...parts.map((part) => part.tally)].find((tally) => tally.firstText !== undefined)?.firstText ?? '';
      throw new ArtifactParseError(
        `none of its ${this.lines} lines is an Envoy access-log line or an Istio/Envoy log line, so it could not be analysed (first line: ${JSON.stringify(first.slice(0, 80))})`,
      );
    }
    if (recognised === 0 && this.otherContainers.size > 0) {
      const others = [...this.otherContainers].sort(compareText).join(', ');
      throw new ArtifactParseError(`its \`kubectl logs --prefix\` lines come from ${others}, none from ${this.container}: collect with \`-c ${this.container}\``);
    }
    const summary: LogSummary = { ...this.own.finish(), lines: this.lines };
    if (parts.length > 0) summary.sources = parts.map(({ pod, container, tally }) => ({ pod, container, summary: tally.finish() }));
    return summary;
  }
}

/** Counts of one log (or of one pod's lines in a `--prefix` file). */
/** Only istiod's log has push lines: proxy logs, the hot path, are not searched for them. */
const ISTIOD_CONTAINER = 'discovery';

class LogTally {
  /** Lines an Envoy or Istio component wrote (access, levelled, Envoy's bracketed format, a signature). */
  recognised = 0;
  nonEmpty = 0;
  firstText?: string;
  private lines = 0;
  private identity?: LogPart['proxy'];
  private identityConflict = false;
  private version?: string;
  private longLines = 0;
  private invalidUtf8 = 0;
  private first?: string;
  private last?: string;
  private errors = 0;
  private warns = 0;
  private requests = 0;
  private failed = 0;
  private byFlag = new Map<string, number>();
  private byStatusClass = new Map<string, number>();
  private byUpstreamNamespace = new Map<string, number>();
  private byUpstreamHost = new Map<string, number>();
  private upstreamHostsDropped = 0;
  private readonly series = new Map<string, Map<string, MinuteCell>>();
  private seriesCells = 0;
  private seriesDropped = 0;
  private ipVotes = new Map<string, number>();
  private hits = new Map<SignatureId, Hits>();
  private readonly pushDelays: PushDelayTally | undefined;

  /**
   * The signatures a plain line is matched against: istiod's own, and the ACK errors it logs for its
   * proxies (CP008), in istiod's log; the proxy signatures elsewhere (istiod's CSR errors quote
   * `x509: certificate`, which is no TLS failure of a sidecar).
   */
  private readonly textSignatures: readonly LogSignature[];

  constructor(isIstiod: boolean) {
    this.pushDelays = isIstiod ? new PushDelayTally() : undefined;
    this.textSignatures = isIstiod ? [...LOG_SIGNATURES.filter((s) => ISTIOD_LOGS_OF_PROXIES.has(s.id)), ...ISTIOD_SIGNATURES] : LOG_SIGNATURES;
  }

  line(raw: string, lineNumber: number, prefixTime?: string): void {
    this.lines++;
    if (raw.length === 0) return;
    this.nonEmpty++;
    this.firstText ??= raw;
    // Bytes that are not UTF-8 arrive as U+FFFD from the decoder: the line is still read, and the report says so.
    if (raw.includes('\uFFFD')) this.invalidUtf8++;
    // `kubectl logs` of a container whose logger colours its output (a TTY was attached, or FORCE_COLOR): the
    // escapes would split the level and the message from their tabs. A cheap test first: this is the hot path.
    let text = raw.includes('\x1b[') ? stripAnsi(raw) : raw;
    if (text.length > MAX_LINE_CHARS) {
      text = text.slice(0, MAX_LINE_CHARS);
      this.longLines++;
    }
    const access = parseAccessLine(text);
    if (access) {
      this.recognised++;
      const time = access.time ?? prefixTime;
      this.countAccess(access, time);
      this.stamp(time);
      for (const signature of LOG_SIGNATURES) {
        const key = signature.matchAccess(access);
        if (key !== undefined) this.hit(signature.id, key, lineNumber, text, true, time);
      }
      return;
    }
    const line = levelled(text);
    if (line) {
      this.recognised++;
      this.stamp(line.time ?? prefixTime);
      const { level } = line;
      if (level === 'error' || level === 'critical' || level === 'fatal') this.errors++;
      else if (level === 'warn' || level === 'warning') this.warns++;
      else if (level === 'info' && this.lines <= STARTUP_LINES) this.startupFacts(text);
    } else {
      if (ENVOY_BRACKETED.test(text)) this.recognised++;
      this.stamp(prefixTime);
    }
    const pushDelay = this.pushDelays ? pushDebounceDelay(text) : undefined;
    if (pushDelay !== undefined) {
      if (!line) this.recognised++; // istiod's debounce line pasted without its prefix
      this.pushDelays?.add(pushDelay, lineNumber, text);
    }
    for (const signature of this.textSignatures) {
      const key = signature.matchText(text);
      if (key !== undefined) {
        if (!line) this.recognised++;
        this.hit(signature.id, key, lineNumber, text, false, line?.time ?? prefixTime);
      }
    }
  }

  /**
   * pilot-agent prints its version and the proxy id (`<pod>.<namespace>`) at start-up. Two
   * different ids in one part mean several pods' logs were saved together (`kubectl logs -l …`
   * without `--prefix`): then the part names none.
   */
  private startupFacts(text: string): void {
    if (this.identityConflict === false && text.includes('Proxy role')) {
      const id = proxyIdentity(text);
      if (id && this.identity && (id.pod !== this.identity.pod || id.namespace !== this.identity.namespace)) {
        this.identity = undefined;
        this.identityConflict = true;
      } else if (id) this.identity = id;
    }
    if (this.version === undefined && text.includes('Version ')) this.version = istioVersion(text);
  }

  finish(): LogPart {
    const summary: LogPart = {
      lines: this.lines,
      levels: { error: this.errors, warn: this.warns },
      access: {
        requests: this.requests,
        failed: this.failed,
        byFlag: sortedRecord(this.byFlag),
        byStatusClass: sortedRecord(this.byStatusClass),
      },
      signatures: {},
    };
    if (this.longLines > 0) summary.longLines = this.longLines;
    if (this.invalidUtf8 > 0) summary.invalidUtf8Lines = this.invalidUtf8;
    if (this.identity) summary.proxy = this.identity;
    if (this.version) summary.istioVersion = this.version;
    if (this.first) summary.firstTimestamp = this.first;
    if (this.last) summary.lastTimestamp = this.last;
    const ownIp = this.ownIp();
    if (ownIp) summary.access.ownIp = ownIp;
    const pushDelays = this.pushDelays?.finish();
    if (pushDelays) summary.pushDelays = pushDelays;
    if (this.byUpstreamNamespace.size > 0) summary.access.byUpstreamNamespace = sortedRecord(this.byUpstreamNamespace);
    if (this.byUpstreamHost.size > 0) summary.access.byUpstreamHost = sortedRecord(this.byUpstreamHost);
    if (this.upstreamHostsDropped > 0) summary.access.upstreamHostsDropped = this.upstreamHostsDropped;
    if (this.series.size > 0) summary.access.series = seriesOut(this.series);
    if (this.seriesDropped > 0) summary.access.seriesDropped = this.seriesDropped;
    for (const [id, hits] of [...this.hits].sort(([a], [b]) => compareText(a, b))) {
      const entry: SignatureHits = {
        ...tallyOut(hits),
        breakdown: [...hits.keys]
          .sort(([ka, a], [kb, b]) => b.count - a.count || compareText(ka, kb))
          .slice(0, BREAKDOWN_SHOWN)
          .map(([key, tally]) => ({ key, ...tallyOut(tally, MAX_KEY_LINE_CHARS) })),
      };
      summary.signatures[id] = entry;
    }
    return summary;
  }

  private countAccess(record: AccessRecord, time: string | undefined): void {
    this.requests++;
    const statusClass = record.code === 0 ? 'no response' : `${Math.floor(record.code / 100)}xx`;
    increment(this.byStatusClass, statusClass);
    for (const flag of record.flags) increment(this.byFlag, flag);
    const deniedOrUnrouted = record.details === 'route_not_found' || (record.details ?? record.terminationDetails ?? '').startsWith('rbac_access_denied');
    const connectionFailed = record.code === 0 && record.flags.length > 0; // TCP: no response code, only flags
    const failed = record.code >= 500 || deniedOrUnrouted || connectionFailed;
    if (failed) this.failed++;
    this.countMinute(record, time, failed);
    const namespace = upstreamNamespace(record.upstreamCluster);
    if (namespace && (this.byUpstreamNamespace.has(namespace) || this.byUpstreamNamespace.size < MAX_BREAKDOWN_KEYS)) increment(this.byUpstreamNamespace, namespace);
    const host = upstreamHost(record.upstreamCluster);
    if (host) {
      if (this.byUpstreamHost.has(host) || this.byUpstreamHost.size < MAX_UPSTREAM_HOSTS) increment(this.byUpstreamHost, host);
      else this.upstreamHostsDropped++;
    }
    // A proxy's own pod IP is the local address of inbound traffic and the remote one of outbound.
    const own = record.upstreamCluster?.startsWith('inbound|') ? hostOf(record.downstreamLocal) : record.upstreamCluster?.startsWith('outbound|') ? hostOf(record.downstreamRemote) : undefined;
    if (own && (this.ipVotes.has(own) || this.ipVotes.size < MAX_IP_CANDIDATES)) increment(this.ipVotes, own);
  }

  /** One request in its upstream's minute (`2024-07-25T20:12`); a line without an ISO time is counted in the totals only. */
  private countMinute(record: AccessRecord, time: string | undefined, failed: boolean): void {
    if (time === undefined || time.length < 16 || time.charCodeAt(10) !== 0x54 /* T */) return;
    const upstream = record.upstreamCluster ?? NO_UPSTREAM;
    let minutes = this.series.get(upstream);
    if (!minutes) {
      if (this.series.size >= MAX_SERIES_UPSTREAMS) {
        this.seriesDropped++;
        return;
      }
      minutes = new Map();
      this.series.set(flatCopy(upstream), minutes);
    }
    const minute = time.slice(0, 16);
    let cell = minutes.get(minute);
    if (!cell) {
      if (this.seriesCells >= MAX_SERIES_CELLS) {
        this.seriesDropped++;
        return;
      }
      this.seriesCells++;
      cell = { requests: 0, failed: 0 };
      minutes.set(flatCopy(minute), cell);
    }
    cell.requests++;
    if (failed) cell.failed++;
    if (record.flags.length > 0) {
      cell.byFlag ??= new Map();
      for (const flag of record.flags) increment(cell.byFlag, flag);
    }
  }

  private ownIp(): string | undefined {
    let best: string | undefined;
    let bestVotes = 0;
    let total = 0;
    for (const [ip, votes] of this.ipVotes) {
      total += votes;
      if (votes > bestVotes || (votes === bestVotes && best !== undefined && ip < best)) [best, bestVotes] = [ip, votes];
    }
    return best !== undefined && bestVotes * 2 > total ? best : undefined;
  }

  private stamp(time: string | undefined): void {
    if (!time) return;
    if (this.first === undefined || time < this.first) this.first = time;
    if (this.last === undefined || time > this.last) this.last = time;
  }

  private hit(id: SignatureId, key: string, line: number, text: string, isAccess: boolean, time: string | undefined): void {
    const ref = { line, text };
    let hits = this.hits.get(id);
    if (!hits) {
      // Copied once: the summary outlives the scan and must not hold the chunk the line was read from.
      hits = { ...newTally({ line, text: flatCopy(text) }), keys: new Map() };
      this.hits.set(id, hits);
    }
    count(hits, ref, isAccess, time);
    let byKey = hits.keys.get(key);
    if (!byKey && hits.keys.size < MAX_BREAKDOWN_KEYS) {
      // A copy, cut: the key's lines outlive the scan in the summary, and must not hold the chunk they were read from.
      byKey = newTally({ line, text: flatCopy(text.slice(0, MAX_KEY_LINE_CHARS)) });
      hits.keys.set(key, byKey);
    }
    if (byKey) count(byKey, byKey.first.line === line ? byKey.first : ref, isAccess, time);
  }
}

interface MinuteCell {
  requests: number;
  failed: number;
  byFlag?: Map<string, number>;
}

function seriesOut(series: Map<string, Map<string, MinuteCell>>): NonNullable<LogPart['access']['series']> {
  return [...series]
    .sort(([a], [b]) => compareText(a, b))
    .map(([upstream, minutes]) => ({
      upstream,
      minutes: [...minutes]
        .sort(([a], [b]) => compareText(a, b))
        .map(([minute, cell]) => ({ minute, requests: cell.requests, failed: cell.failed, ...(cell.byFlag ? { byFlag: sortedRecord(cell.byFlag) } : {}) })),
    }));
}

function newTally(ref: LineRef): Tally {
  return { count: 0, accessCount: 0, first: ref, last: ref };
}

function count(tally: Tally, ref: LineRef, isAccess: boolean, time: string | undefined): void {
  tally.count++;
  if (isAccess) tally.accessCount++;
  tally.last = ref;
  if (time !== undefined) {
    if (tally.firstTime === undefined || time < tally.firstTime) tally.firstTime = time;
    if (tally.lastTime === undefined || time > tally.lastTime) tally.lastTime = time;
  }
}

/** A tally as the summary keeps it; the last line is copied only now, as every match replaces it. */
function tallyOut(tally: Tally, maxChars = MAX_LINE_CHARS) {
  const last = tally.last === tally.first ? tally.first : { line: tally.last.line, text: flatCopy(tally.last.text.slice(0, maxChars)) };
  return {
    count: tally.count,
    accessCount: tally.accessCount,
    first: tally.first,
    last,
    ...(tally.firstTime !== undefined ? { firstTime: tally.firstTime } : {}),
    ...(tally.lastTime !== undefined ? { lastTime: tally.lastTime } : {}),
  };
}

/** A string that does not share memory with the one it came from (V8 keeps slices as views of their parent). */
function flatCopy(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}

/** `outbound|9080|v1|reviews.bookinfo.svc.cluster.local` → `bookinfo`. */
/** The service host of an outbound cluster `outbound|port|subset|host`. */
function upstreamHost(cluster: string | undefined): string | undefined {
  if (!cluster?.startsWith('outbound|')) return undefined;
  const host = cluster.slice(cluster.lastIndexOf('|') + 1);
  return host === '' ? undefined : host;
}

function upstreamNamespace(cluster: string | undefined): string | undefined {
  const host = upstreamHost(cluster);
  if (!host) return undefined;
  const dot = host.indexOf('.');
  const svc = host.indexOf('.svc.', dot + 1);
  return dot > 0 && svc > dot + 1 ? host.slice(dot + 1, svc) : undefined;
}

function increment(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

