import { sortedRecord } from '../../order.js';
import { ArtifactParseError, type LineScanner } from '../artifact-kind.js';
import { parsePrometheusSample, type PrometheusSample } from '../prometheus-text.js';
import { KEPT_STATS, type EnvoyStats, type StatTotal, type StatValue } from './schema.js';

const KEPT = new Set<string>(KEPT_STATS);
/** `envoy_server_memory_allocated` → `server.memory_allocated`: the Prometheus name is the text name with `.` turned into `_`. */
const BY_PROMETHEUS_NAME = new Map<string, string>(KEPT_STATS.map((name) => [`envoy_${name.replaceAll('.', '_')}`, name]));
/** `name: value`, the value an integer, a text readout `"…"`, a histogram `P0(…) P25(…) …` or `No recorded values`. */
export const TEXT_STAT = /^(\S+): (-?\d+|".*"|P0\(.*|No recorded values)$/;
const INTEGER = /^-?\d+$/;
/** Evidence excerpts of a kept stat are cut here (a text readout may be long). */
const MAX_TEXT = 200;

/**
 * Reads `/stats` text or `/stats/prometheus` line by line and keeps the stats of KEPT_STATS and the
 * RDS/EDS rejection totals: a summary of a few hundred bytes whatever the size of the mesh.
 */
export class EnvoyStatsScanner implements LineScanner<EnvoyStats> {
  private lines = 0;
  private textLines = 0;
  private prometheusLines = 0;
  private firstLine?: string;
  private readonly stats: Record<string, StatValue> = {};
  private readonly totals: Partial<Record<StatTotal, StatValue>> = {};

  line(raw: string, lineNumber: number): void {
    this.lines = lineNumber;
    const line = raw.trim();
    if (line === '') return;
    this.firstLine ??= line;
    if (line.startsWith('#')) return; // `# TYPE` / `# HELP`
    const text = TEXT_STAT.exec(line);
    if (text) {
      this.textLines++;
      this.textStat(text[1]!, text[2]!, lineNumber, line);
      return;
    }
    const sample = parsePrometheusSample(line);
    if (sample) {
      this.prometheusLines++;
      this.prometheusStat(sample, lineNumber, line);
    }
  }

  finish(): EnvoyStats {
    const statLines = this.textLines + this.prometheusLines;
    if (statLines === 0) {
      if (this.firstLine === undefined) throw new ArtifactParseError('empty: no Envoy stats in it');
      if (this.firstLine.startsWith('{')) {
        throw new ArtifactParseError('Envoy stats in JSON (`/stats?format=json`) are not read: collect the text form (`pilot-agent request GET stats`) or `/stats/prometheus`');
      }
      throw new ArtifactParseError(`none of its ${this.lines} lines is an Envoy stat (\`name: value\`) or a Prometheus sample (first line: ${JSON.stringify(this.firstLine.slice(0, 80))})`);
    }
    return {
      format: this.textLines >= this.prometheusLines ? 'text' : 'prometheus',
      lines: this.lines,
      statLines,
      stats: sortedRecord(Object.entries(this.stats)),
      totals: sortedRecord(Object.entries(this.totals) as Array<[string, StatValue]>),
    };
  }

  private textStat(rawName: string, value: string, line: number, text: string): void {
    if (!INTEGER.test(value)) return; // text readouts and histograms are not kept
    // Istio ≥ 1.24 names clusters and listeners `<name>;` (alt_stat_name): `cluster.xds-grpc;.upstream_cx_active`.
    const name = rawName.replaceAll(';.', '.');
    const number = Number(value);
    if (KEPT.has(name)) this.keep(name, number, line, text);
    else if (name.endsWith('.update_rejected')) {
      if (name.startsWith('http.') && name.includes('.rds.')) this.add('rds.update_rejected', number, line, text);
      else if (name.startsWith('cluster.')) this.add('eds.update_rejected', number, line, text);
    }
  }

  private prometheusStat(sample: PrometheusSample, line: number, text: string): void {
    const kept = BY_PROMETHEUS_NAME.get(sample.name);
    if (kept && Object.keys(sample.labels).length === 0) this.keep(kept, sample.value, line, text);
    else if (sample.name === 'envoy_cluster_update_rejected' && sample.labels.cluster_name !== undefined) this.add('eds.update_rejected', sample.value, line, text);
  }

  /** The first occurrence wins (a file holding two dumps keeps the first). */
  private keep(name: string, value: number, line: number, text: string): void {
    if (this.stats[name] || !Number.isFinite(value)) return;
    this.stats[name] = { value, line, text: text.slice(0, MAX_TEXT) };
  }

  private add(total: StatTotal, value: number, line: number, text: string): void {
    if (!Number.isFinite(value)) return;
    const seen = this.totals[total];
    if (!seen) this.totals[total] = { value, line, text: text.slice(0, MAX_TEXT) };
    else if (seen.value === 0 && value > 0) this.totals[total] = { value, line, text: text.slice(0, MAX_TEXT) };
    else seen.value += value;
  }
}
