import { ArtifactParseError } from '../artifact-kind.js';
import { rowCells, splitColumns, stripAnsi } from '../text.js';
import { splitProxyId, type ProxySync, type ProxySyncRow, type XdsStatus } from './schema.js';

/** Columns that are not an xDS type; every other column header is one (CDS, LDS, … or a type URL). */
const FIXED_COLUMNS = new Set(['NAME', 'CLUSTER', 'ISTIOD', 'PILOT', 'VERSION', 'SUBSCRIBED TYPES']);
const STATUS = /^(SYNCED|NOT SENT|STALE|ERROR|IGNORED)(?:\s*\((.*)\))?$/;

/**
 * Parses the `istioctl proxy-status` table of every era (istioctl's status writer, every header it has printed): one column per xDS
 * type up to 1.26 and with `--verbosity 1` since 1.27, `SUBSCRIBED TYPES` without status by default
 * since 1.27, statuses with an age suffix since istiod 1.24.
 */
export function parseProxyStatusTable(text: string): ProxySync {
  const lines = stripAnsi(text).split(/\r?\n/);
  const headerIndex = lines.findIndex((l) => /^NAME\s/.test(l));
  if (headerIndex < 0) throw new ArtifactParseError('no proxy-status header line (starting with NAME) found');
  const header = splitColumns(lines[headerIndex]!);
  if (!header.includes('VERSION') || !(header.includes('ISTIOD') || header.includes('PILOT'))) {
    throw new ArtifactParseError(`unrecognised proxy-status header: ${lines[headerIndex]!.trim()}`, headerIndex + 1);
  }
  const typeColumns = header.filter((h) => !FIXED_COLUMNS.has(h));
  const proxies: ProxySyncRow[] = [];
  for (let i = headerIndex + 1; i < lines.length; i++) {
    const raw = lines[i]!;
    if (raw.trim() === '') continue;
    const cells = rowCells(raw, lines[headerIndex]!, header.length);
    if (cells.length !== header.length) {
      throw new ArtifactParseError(
        `line ${i + 1} has ${cells.length} columns where the header has ${header.length} (${header.join(', ')})`,
        i + 1,
      );
    }
    const cell = (name: string) => {
      const index = header.indexOf(name);
      return index >= 0 ? cells[index] : undefined;
    };
    const id = cells[0]!;
    const row: ProxySyncRow = { line: i + 1, id, ...splitProxyId(id), statuses: [] };
    const cluster = cell('CLUSTER');
    const istiod = cell('ISTIOD') ?? cell('PILOT');
    const version = cell('VERSION');
    if (cluster) row.cluster = cluster;
    if (istiod) row.istiod = istiod;
    if (version) row.version = version;
    for (const type of typeColumns.filter((t) => t !== 'SUBSCRIBED TYPES')) {
      row.statuses.push(parseStatus(cell(type)!, type, i + 1));
    }
    const subscribed = cell('SUBSCRIBED TYPES');
    if (subscribed !== undefined) row.subscribedTypes = /\(([^)]*)\)/.exec(subscribed)?.[1]?.split(',') ?? [];
    proxies.push(row);
  }
  return {
    source: 'proxy-status-table',
    header: lines[headerIndex]!.trim().replace(/\s+/g, ' '),
    perTypeStatus: typeColumns.length > 0,
    proxies,
  };
}

function parseStatus(cell: string, type: string, line: number): XdsStatus {
  const m = STATUS.exec(cell);
  if (!m) throw new ArtifactParseError(`line ${line}: "${cell}" is not an xDS status for ${type} (SYNCED, NOT SENT, STALE, ERROR, IGNORED)`, line);
  const status: XdsStatus = { type, status: m[1] as XdsStatus['status'] };
  if (m[2]) status.note = m[2];
  return status;
}
