import { describe, expect, it } from 'vitest';
import { istiodMetricsKind } from '../../src/artifacts/istiod-metrics/kinds.js';
import type { IstiodMetrics } from '../../src/artifacts/istiod-metrics/schema.js';
import { parsePrometheusSample } from '../../src/artifacts/prometheus-text.js';
import { recognise } from '../../src/artifacts/recognise.js';
import { validateValue } from '../../src/artifacts/validate.js';
import { fixture } from './helpers.js';

function scan(text: string): IstiodMetrics {
  const scanner = istiodMetricsKind.createScanner({ path: 'metrics.txt' });
  text.split('\n').forEach((line, i) => scanner.line(line, i + 1));
  return scanner.finish();
}

describe('istiod.metrics', () => {
  it('reads the convergence histogram, the registry gauges and the push counters of a 1.16 istiod', () => {
    const metrics = scan(fixture('istiod-metrics.txt'));
    expect(metrics.version).toBe('1.16.1');
    expect(metrics.samples).toBe(23);
    const convergence = metrics.histograms.pilot_proxy_convergence_time!;
    expect(convergence.count).toBe(1102);
    expect(convergence.sum).toBeCloseTo(11.863, 3);
    expect(convergence.countLine).toEqual({ value: 1102, line: 15, text: 'pilot_proxy_convergence_time_count 1102' });
    expect(convergence.buckets.map((b) => [b.le, b.count])).toEqual([[0.1, 1101], [0.5, 1102], [1, 1102], [3, 1102], [5, 1102], [10, 1102], [20, 1102], [30, 1102]]);
    expect(convergence.buckets.find((b) => b.le === 5)).toMatchObject({ line: 9, text: 'pilot_proxy_convergence_time_bucket{le="5"} 1102' });
    expect(Object.fromEntries(Object.entries(metrics.values).map(([k, v]) => [k, v.value]))).toEqual({ pilot_services: 10, pilot_virt_services: 1, pilot_xds: 4, pilot_xds_pushes: 42 });
    expect(validateValue(istiodMetricsKind.schema, metrics)).toEqual([]);
  });

  it('skips the exporter # HELP / # TYPE lines', () => {
    const metrics = scan(fixture('istiod-metrics-help-type.txt'));
    expect(metrics.histograms.pilot_proxy_convergence_time?.count).toBe(27);
    expect(metrics.values.pilot_xds_pushes?.value).toBe(110);
  });

  it('sums histograms over their other labels, and reads `_total` counters of the OpenTelemetry exporter', () => {
    const metrics = scan(
      [
        'pilot_xds_push_time_bucket{type="cds",le="1"} 10',
        'pilot_xds_push_time_bucket{type="eds",le="1"} 5',
        'pilot_xds_push_time_bucket{type="cds",le="+Inf"} 12',
        'pilot_xds_push_time_count{type="cds"} 12',
        'pilot_xds_push_time_count{type="eds"} 5',
        'pilot_total_xds_rejects_total{type="type.googleapis.com/envoy.config.listener.v3.Listener"} 3',
        'process_cpu_seconds_total 1234.5',
        'process_resident_memory_bytes 1.073741824e+09',
      ].join('\n'),
    );
    expect(metrics.histograms.pilot_xds_push_time).toMatchObject({ count: 17, buckets: [{ le: 1, count: 15, line: 1 }] });
    expect(metrics.values.pilot_total_xds_rejects?.value).toBe(3);
    expect(metrics.values.process_cpu_seconds_total?.value).toBe(1234.5);
    expect(metrics.values.process_resident_memory_bytes?.value).toBe(1073741824);
  });

  it('refuses what is not istiod metrics, naming the problem', () => {
    expect(() => scan('')).toThrow(/empty/);
    expect(() => scan('<html>not found</html>\n')).toThrow(/none of its 2 lines is a Prometheus sample .*"<html>not found<\/html>"/);
    expect(() => scan(fixture('envoy-stats-prometheus.txt'))).toThrow(/none of its \d+ samples is an istiod metric/);
    // A sidecar's merged metrics (port 15020) carry pilot-agent's own `istio_agent_pilot_*`: not istiod's.
    const agent = '# TYPE istio_agent_pilot_xds gauge\nistio_agent_pilot_xds{version="1.22.3"} 1\n# TYPE istio_agent_pilot_xds_expired_nonce counter\nistio_agent_pilot_xds_expired_nonce{type="eds"} 0\n';
    expect(() => scan(agent)).toThrow('none of its 2 samples is an istiod metric (`pilot_*`, `citadel_*`): is it the /metrics of another process?');
  });

  it('is recognised by the collector and bug-report paths and by content', () => {
    expect(recognise('istiod/istiod-7d4b9c6f8-hm2xr/metrics.txt', undefined, undefined)).toMatchObject({ kind: { id: 'istiod.metrics' }, by: 'path', context: { pod: 'istiod-7d4b9c6f8-hm2xr' } });
    expect(recognise('bug-report/istio/istio-system/istiod-5d8f7c9b6-x2lqp/metrics', undefined, undefined)).toMatchObject({ kind: { id: 'istiod.metrics' }, context: { namespace: 'istio-system', pod: 'istiod-5d8f7c9b6-x2lqp' } });
    expect(recognise('m.txt', fixture('istiod-metrics-help-type.txt'), undefined)).toMatchObject({ kind: { id: 'istiod.metrics' }, by: 'content' });
    expect(istiodMetricsKind.sniff(fixture('envoy-stats-prometheus.txt'), 'x')).toBe(false);
    expect(istiodMetricsKind.sniff(fixture('istiod-push.log'), 'x')).toBe(false);
  });
});

describe('Prometheus sample lines', () => {
  it('reads label values with spaces, commas and escaped quotes, and the special values', () => {
    expect(parsePrometheusSample('pilot_xds_lds_reject{err="Error adding/updating listener(s) 0.0.0.0_80: \\"bad\\", x",node="a.b"} 1')).toEqual({
      name: 'pilot_xds_lds_reject',
      labels: { err: 'Error adding/updating listener(s) 0.0.0.0_80: "bad", x', node: 'a.b' },
      value: 1,
    });
    expect(parsePrometheusSample('x_bucket{le="+Inf"} +Inf')?.value).toBe(Infinity);
    expect(parsePrometheusSample('x 1.5e+09 1700000000000')?.value).toBe(1.5e9);
    expect(parsePrometheusSample('# TYPE x counter')).toBeUndefined();
    expect(parsePrometheusSample('server.uptime: 12')).toBeUndefined();
    expect(parsePrometheusSample('x{a="unterminated} 1')).toBeUndefined();
    // A label name must start with a letter or `_`: one that does not makes the line malformed, not a label found further on.
    expect(parsePrometheusSample('x{0="a"} 1')).toBeUndefined();
    expect(parsePrometheusSample('x{_0="a"} 1')).toEqual({ name: 'x', labels: { _0: 'a' }, value: 1 });
  });
});
