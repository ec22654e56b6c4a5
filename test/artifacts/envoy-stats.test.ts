import { describe, expect, it } from 'vitest';
import { ArtifactParseError } from '../../src/artifacts/artifact-kind.js';
import { envoyStatsKind } from '../../src/artifacts/envoy-stats/kinds.js';
import type { EnvoyStats } from '../../src/artifacts/envoy-stats/schema.js';
import { recognise } from '../../src/artifacts/recognise.js';
import { validateValue } from '../../src/artifacts/validate.js';
import { fixture } from './helpers.js';

function scan(text: string): EnvoyStats {
  const scanner = envoyStatsKind.createScanner({ path: 'stats.txt' });
  text.split('\n').forEach((line, i) => scanner.line(line, i + 1));
  return scanner.finish();
}

describe('envoy.stats: /stats text', () => {
  it('keeps the cluster and listener manager stats of the corpus sample, with their lines', () => {
    const stats = scan(fixture('envoy-stats-text.txt'));
    expect(stats.format).toBe('text');
    expect(stats.statLines).toBe(23);
    expect(stats.stats).toEqual({
      'cluster_manager.active_clusters': { value: 294, line: 2, text: 'cluster_manager.active_clusters: 294' },
      'cluster_manager.cds.update_rejected': { value: 0, line: 6, text: 'cluster_manager.cds.update_rejected: 0' },
      'cluster_manager.cds.update_success': { value: 302, line: 7, text: 'cluster_manager.cds.update_success: 302' },
      'listener_manager.total_listeners_warming': { value: 0, line: 21, text: 'listener_manager.total_listeners_warming: 0' },
    });
    // the xds-grpc cluster's own update counters are EDS-style: summed, none rejected
    expect(stats.totals).toEqual({});
    expect(validateValue(envoyStatsKind.schema, stats)).toEqual([]);
  });

  it('reads Istio ≥ 1.24 `<cluster>;` names and older ones alike, and sums RDS and EDS rejections', () => {
    const stats = scan(
      [
        'cluster.outbound|80||reviews.bookinfo.svc.cluster.local.update_rejected: 0',
        'cluster.outbound|443||kubernetes.default.svc.cluster.local;.update_rejected: 2',
        'cluster.xds-grpc;.update_rejected: 1',
        'cluster.xds-grpc;.upstream_cx_active: 1',
        'http.inbound_0.0.0.0_9080;.rds.inbound|9080||.update_rejected: 3',
        'server.memory_allocated: 2147483649',
        'server.state: 0',
        'server.hot_restart_epoch: 0',
        'listener_manager.lds.update_duration: No recorded values',
      ].join('\n'),
    );
    expect(stats.totals).toEqual({
      'eds.update_rejected': { value: 3, line: 2, text: 'cluster.outbound|443||kubernetes.default.svc.cluster.local;.update_rejected: 2' },
      'rds.update_rejected': { value: 3, line: 5, text: 'http.inbound_0.0.0.0_9080;.rds.inbound|9080||.update_rejected: 3' },
    });
    expect(Object.keys(stats.stats)).toEqual(['server.memory_allocated', 'server.state']);
    expect(stats.stats['server.memory_allocated']?.value).toBe(2147483649);
  });

  it('keeps the first of a stat printed twice, and no per-cluster stat', () => {
    const stats = scan('server.uptime: 10\nserver.uptime: 20\ncluster.xds-grpc.upstream_cx_active: 1\n');
    expect(stats.stats).toEqual({ 'server.uptime': { value: 10, line: 1, text: 'server.uptime: 10' } });
  });

  it('keeps a bounded summary of a large mesh: 300 000 per-cluster lines stream through', () => {
    const scanner = envoyStatsKind.createScanner({ path: 'stats.txt' });
    let n = 0;
    for (let c = 0; c < 10_000; c++) {
      for (const stat of ['upstream_cx_active', 'upstream_cx_total', 'upstream_rq_total']) scanner.line(`cluster.outbound|80||svc-${c}.ns.svc.cluster.local;.${stat}: ${c}`, ++n);
      scanner.line(`cluster.outbound|80||svc-${c}.ns.svc.cluster.local;.update_rejected: 0`, ++n);
    }
    scanner.line('server.memory_allocated: 3221225472', ++n);
    const stats = scanner.finish();
    expect(stats.statLines).toBe(40_001);
    expect(stats.stats['server.memory_allocated']).toMatchObject({ value: 3221225472, line: 40_001 });
    expect(JSON.stringify(stats).length).toBeLessThan(1000);
  });
});

describe('envoy.stats: /stats/prometheus', () => {
  it('maps `envoy_server_memory_allocated{}` to the same logical stat', () => {
    const stats = scan(fixture('envoy-stats-prometheus.txt'));
    expect(stats.format).toBe('prometheus');
    expect(stats.stats).toEqual({
      'listener_manager.lds.update_rejected': { value: 0, line: 20, text: 'envoy_listener_manager_lds_update_rejected{} 0' },
      'server.memory_allocated': { value: 15853480, line: 18, text: 'envoy_server_memory_allocated{} 15853480' },
    });
  });

  it('sums the per-cluster EDS rejections of `envoy_cluster_update_rejected{cluster_name}`, and keeps no labelled singleton', () => {
    const stats = scan('envoy_cluster_update_rejected{cluster_name="xds-grpc"} 0\nenvoy_cluster_update_rejected{cluster_name="outbound|80||a.b.svc.cluster.local"} 4\nenvoy_server_state{thread="x"} 1\n');
    expect(stats.totals['eds.update_rejected']).toMatchObject({ value: 4, line: 2 });
    expect(stats.stats).toEqual({});
  });
});

describe('envoy.stats: refused input names the problem', () => {
  it('refuses the JSON form', () => {
    expect(() => scan('{"stats":[{"name":"server.state","value":0}]}')).toThrow(/JSON \(`\/stats\?format=json`\) are not read/);
  });

  it('refuses a file with no stat line, quoting its first line', () => {
    expect(() => scan('hello there\nnothing here\n')).toThrow(ArtifactParseError);
    expect(() => scan('hello there\nnothing here\n')).toThrow(/none of its 3 lines is an Envoy stat .*"hello there"/);
  });

  it('refuses an empty file', () => {
    expect(() => scan('\n\n')).toThrow(/empty/);
  });
});

describe('envoy.stats: recognition', () => {
  it('by the collector and bug-report paths, with the pod they name', () => {
    expect(recognise('proxies/shop/frontend-6d8f9b7c5-4hxkz/stats.txt', undefined, undefined)).toMatchObject({ kind: { id: 'envoy.stats' }, by: 'path', context: { namespace: 'shop', pod: 'frontend-6d8f9b7c5-4hxkz' } });
    expect(recognise('bug-report/proxies/bookinfo/productpage-v1-7d9d4b7c8-qk5zn/stats/prometheus', undefined, undefined)).toMatchObject({ kind: { id: 'envoy.stats' }, context: { namespace: 'bookinfo', pod: 'productpage-v1-7d9d4b7c8-qk5zn' } });
  });

  it('by content: a /stats/prometheus cut short inside its first sample (the exec timed out)', () => {
    const [typeLine, sample] = fixture('envoy-stats-prometheus.txt').split('\n');
    expect(typeLine).toBe('# TYPE envoy_cluster_manager_cluster_removed counter');
    // Only the `# TYPE` line is whole: the sample is cut before its `{`.
    const cut = sample!.slice(0, 'envoy_cluster_manager'.length);
    expect(envoyStatsKind.sniff(`${typeLine}\n${cut}`, 'x.txt')).toBe(true);
  });

  it('not by content when the stats are only quoted, indented, in another file (a ConfigMap holding a snapshot)', () => {
    const snapshot = fixture('envoy-stats-prometheus.txt').split('\n').slice(0, 4);
    const configMap = ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: stats-snapshot', 'data:', '  stats: |', ...snapshot.map((l) => `    ${l}`)].join('\n');
    expect(envoyStatsKind.sniff(configMap, 'x.yaml')).toBe(false);
  });

  it('by content: both forms, and not YAML, logs or istiod metrics', () => {
    expect(envoyStatsKind.sniff(fixture('envoy-stats-text.txt'), 'x.txt')).toBe(true);
    expect(envoyStatsKind.sniff(fixture('envoy-stats-prometheus.txt'), 'x.txt')).toBe(true);
    expect(envoyStatsKind.sniff('apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n', 'x.yaml')).toBe(false);
    expect(envoyStatsKind.sniff(fixture('istiod-push.log'), 'x.log')).toBe(false);
    expect(envoyStatsKind.sniff(fixture('istiod-metrics.txt'), 'x.txt')).toBe(false);
    expect(recognise('stats-dump.txt', fixture('envoy-stats-text.txt'), undefined)).toMatchObject({ kind: { id: 'envoy.stats' }, by: 'content' });
  });
});
