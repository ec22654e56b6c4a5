import { compareText, sortedRecord } from '../../order.js';
import { ArtifactParseError, type LineScanner } from '../artifact-kind.js';
import { parsePrometheusSample } from '../prometheus-text.js';
import { KEPT_HISTOGRAMS, KEPT_METRICS, type Histogram, type IstiodMetrics, type KeptHistogram, type MetricValue } from './schema.js';

const METRICS = new Set<string>(KEPT_METRICS);
const HISTOGRAMS = new Set<string>(KEPT_HISTOGRAMS);
/** Metrics only istiod (pilot-discovery) exports. */
export const ISTIOD_METRIC = /^(?:pilot|citadel|galley)_/;
/** Distinct bucket bounds kept per histogram: Istio's have 8 to 12. */
const MAX_BUCKETS = 64;
const MAX_TEXT = 200;

/**
 * Reads istiod's `/metrics` line by line and keeps KEPT_METRICS and KEPT_HISTOGRAMS, each summed
 * over its label sets. The OpenTelemetry exporter of newer releases may add `_total` to counters:
 * both spellings are read.
 */
export class IstiodMetricsScanner implements LineScanner<IstiodMetrics> {
  private lines = 0;
  private samples = 0;
  private istiodSamples = 0;
  private firstLine?: string;
  private version?: string;
  private readonly values: Record<string, MetricValue> = {};
  private readonly histograms = new Map<KeptHistogram, { count: number; sum?: number; countLine?: MetricValue; buckets: Map<number, { count: number; line: number; text: string }> }>();

  line(raw: string, lineNumber: number): void {
    this.lines = lineNumber;
    const line = raw.trim();
    if (line === '') return;
    this.firstLine ??= line;
    if (line.startsWith('#')) return;
    const sample = parsePrometheusSample(line);
    if (!sample) return;
    this.samples++;
    if (ISTIOD_METRIC.test(sample.name)) this.istiodSamples++;
    const text = line.slice(0, MAX_TEXT);
    if (sample.name === 'istio_build' && sample.labels.component === 'pilot' && sample.labels.tag) this.version ??= sample.labels.tag;
    const name = METRICS.has(sample.name) ? sample.name : sample.name.endsWith('_total') && METRICS.has(sample.name.slice(0, -6)) ? sample.name.slice(0, -6) : undefined;
    if (name !== undefined) {
      if (!Number.isFinite(sample.value)) return;
      const seen = this.values[name];
      if (seen) seen.value += sample.value;
      else this.values[name] = { value: sample.value, line: lineNumber, text };
      return;
    }
    const histogram = /^(.*)_(bucket|sum|count)$/.exec(sample.name);
    if (!histogram || !HISTOGRAMS.has(histogram[1]!)) return;
    // As for the values above: a `+Inf`/`NaN` (or overflowing) sample would poison the sums, and the schema holds numbers.
    if (!Number.isFinite(sample.value)) return;
    const entry = this.histogram(histogram[1] as KeptHistogram);
    if (histogram[2] === 'sum') entry.sum = (entry.sum ?? 0) + sample.value;
    else if (histogram[2] === 'count') {
      entry.count += sample.value;
      entry.countLine ??= { value: 0, line: lineNumber, text };
      entry.countLine.value = entry.count;
    } else {
      const le = sample.labels.le === '+Inf' ? Infinity : Number(sample.labels.le);
      if (!Number.isFinite(le)) return; // +Inf is the count
      const bucket = entry.buckets.get(le);
      if (bucket) bucket.count += sample.value;
      else if (entry.buckets.size < MAX_BUCKETS) entry.buckets.set(le, { count: sample.value, line: lineNumber, text });
    }
  }

  finish(): IstiodMetrics {
    if (this.samples === 0) {
      if (this.firstLine === undefined) throw new ArtifactParseError('empty: no istiod metrics in it');
      throw new ArtifactParseError(`none of its ${this.lines} lines is a Prometheus sample (\`name{labels} value\`) (first line: ${JSON.stringify(this.firstLine.slice(0, 80))})`);
    }
    if (this.istiodSamples === 0) throw new ArtifactParseError(`none of its ${this.samples} samples is an istiod metric (\`pilot_*\`, \`citadel_*\`): is it the /metrics of another process?`);
    const histograms: Record<string, Histogram> = {};
    for (const [name, h] of [...this.histograms].sort(([a], [b]) => compareText(a, b))) {
      histograms[name] = {
        count: h.count,
        ...(h.sum !== undefined ? { sum: h.sum } : {}),
        ...(h.countLine ? { countLine: h.countLine } : {}),
        buckets: [...h.buckets].sort(([a], [b]) => a - b).map(([le, b]) => ({ le, ...b })),
      };
    }
    return {
      lines: this.lines,
      samples: this.samples,
      ...(this.version ? { version: this.version } : {}),
      values: sortedRecord(Object.entries(this.values)),
      histograms,
    };
  }

  private histogram(name: KeptHistogram) {
    let entry = this.histograms.get(name);
    if (!entry) {
      entry = { count: 0, buckets: new Map() };
      this.histograms.set(name, entry);
    }
    return entry;
  }
}
