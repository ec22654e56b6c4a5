import { defineLineKind } from '../artifact-kind.js';
import { withoutKubectlPrefixes } from '../logs/kubectl-prefix.js';
import { parseZtunnelLine } from './line.js';
import { MAX_LINE_CHARS, ZtunnelLogScanner } from './scanner.js';
import { ztunnelLogSummarySchema, type ZtunnelLogSummary } from './schema.js';

/** Lines of a head looked at when sniffing. */
const SNIFFED_LINES = 200;

/**
 * A line only ztunnel writes: its start-up version line, a Rust module path (`xds::client`,
 * `inpod::statemanager`, `proxy::outbound`; Istio's Go scopes and Envoy's loggers have no `::`), an
 * access event, or the `ztunnel::` prefix of the older tracing layout.
 */
function isZtunnelOwn(text: string): boolean {
  const line = parseZtunnelLine(text);
  if (!line) return false;
  if (line.target.includes('::')) return true;
  // The start-up line: `ztunnel\tversion: version.BuildInfo{…}`.
  if (line.target === 'ztunnel') return line.message.startsWith('version: version.BuildInfo');
  if (line.target === 'access') return line.message.startsWith('connection ');
  return line.format === 'tracing' && text.includes(' ztunnel::');
}

/** Markers are looked for in the container's own lines, without `kubectl logs --timestamps/--prefix`. */
export function sniffZtunnelLog(head: string): boolean {
  const lines = withoutKubectlPrefixes(head).split('\n', SNIFFED_LINES);
  return lines.some((line) => isZtunnelOwn(line.endsWith('\r') ? line.slice(0, -1) : line));
}

export const ztunnelLogKind = defineLineKind<ZtunnelLogSummary>({
  id: 'logs.ztunnel',
  title: 'ztunnel log (ambient mode)',
  schema: ztunnelLogSummarySchema,
  collect: ['kubectl logs <ztunnel-pod> -n istio-system -c istio-proxy --tail=2000'],
  paths: [
    // collector layout: logs/<istio-namespace>/<ztunnel-pod>/ztunnel.log
    /(?:^|\/)logs\/(?<namespace>[^/]+)\/(?<pod>[^/]+)\/ztunnel(?:\.previous)?\.log$/,
    // istioctl bug-report layout: ztunnel pods log as istio-proxy.log, their container's name
    /(?:^|\/)proxies\/(?<namespace>[^/]+)\/(?<pod>ztunnel[^/]*)\/istio-proxy\.log$/,
  ],
  sniff: sniffZtunnelLog,
  createScanner: () => new ZtunnelLogScanner(),
  caveats: (data) => ztunnelLogCaveats(data as ZtunnelLogSummary),
});

/** How a log was read, when not as written: over all its parts (`--prefix` sources included). */
function ztunnelLogCaveats(summary: ZtunnelLogSummary): string[] {
  const parts = [summary, ...(summary.sources ?? []).map((s) => s.summary)];
  const invalid = parts.reduce((n, p) => n + (p.invalidUtf8Lines ?? 0), 0);
  const long = parts.reduce((n, p) => n + (p.longLines ?? 0), 0);
  const dropped = parts.reduce((n, p) => n + (p.errorsDropped ?? 0), 0);
  return [
    ...(invalid > 0 ? [`${invalid} ${invalid === 1 ? 'line has' : 'lines have'} bytes that are not UTF-8 (read as U+FFFD, the rest of the line as written)`] : []),
    ...(long > 0 ? [`${long} ${long === 1 ? 'line was' : 'lines were'} longer than ${MAX_LINE_CHARS / 1024} KiB and cut for matching`] : []),
    ...(dropped > 0 ? [`${dropped} error ${dropped === 1 ? 'line was' : 'lines were'} of more distinct error texts than the scan keeps, and only counted`] : []),
  ];
}
