/**
 * Real command outputs to mutate, per artifact kind: each seed is a checked-in file (test fixtures,
 * samples, collector test data) placed at an entry path the kind recognises by its path convention.
 * The table is keyed by ArtifactId, so a new kind does not compile until it has seeds.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ArtifactId } from '../../src/artifacts/artifact-kind.js';

export interface SeedSource {
  /** Repository-relative file. */
  file: string;
  /** Bundle-relative entry path the kind's `paths` recognise. */
  path: string;
}

export interface Seed extends SeedSource {
  kind: ArtifactId;
  bytes: Buffer;
}

const F = 'test/fixtures/formats/';
const BR = 'samples/bug-report-503/bug-report/';
const LOG_PROXY = 'logs/bookinfo/productpage-v1-54bb874995-9xq7d/istio-proxy.log';
const LOG_ISTIOD = 'logs/istio-system/istiod-6b9c8d7f5-kx2vq/discovery.log';
const PROXY_DIR = 'proxies/bookinfo/details-v1-65cfcf56f9-r2l8c/';

export const SEED_TABLE: Record<ArtifactId, SeedSource[]> = {
  'bundle.manifest': [
    { file: 'samples/healthy/manifest.json', path: 'manifest.json' },
    { file: 'samples/ambient/manifest.json', path: 'manifest.json' },
  ],
  // collect.sh keeps a failed command's stderr beside it: any short text (istioctl's complaint here).
  'collector.stderr': [{ file: `${F}istioctl-version-no-control-plane.txt`, path: 'out/0009.stderr' }],
  'bugReport.clusterContext': [
    { file: `${BR}cluster/cluster-context`, path: 'bug-report/cluster/cluster-context' },
    { file: 'test/fixtures/bug-report/bug-report/cluster/cluster-context', path: 'bug-report/cluster/cluster-context' },
  ],
  'bugReport.versions': [
    { file: `${BR}versions`, path: 'bug-report/versions' },
    { file: 'test/fixtures/bug-report/bug-report/versions', path: 'bug-report/versions' },
  ],
  'istioctl.proxyStatus': [
    { file: `${F}multiXdsStatusSinglePilot.txt`, path: 'istio/proxy-status.txt' },
    { file: `${F}multiXdsStatusMultiPilot_verbose.txt`, path: 'istio/proxy-status.txt' },
    { file: `${F}multiXdsStatusSinglePilot.json`, path: 'istio/proxy-status.json' },
    { file: 'samples/control-plane-failure/istio/proxy-status.txt', path: 'istio/proxy-status.txt' },
  ],
  'istiod.syncz': [
    { file: 'test/fixtures/bug-report/bug-report/istio/istio-system/istiod-5d8f7c9b6-x2lqp/debug/syncz', path: 'bug-report/istio/istio-system/istiod-5d8f7c9b6-x2lqp/debug/syncz' },
    { file: `${BR}istio/istio-system/istiod-6b9c8d7f5-kx2vq/debug/syncz`, path: 'istiod/istiod-6b9c8d7f5-kx2vq/syncz.json' },
  ],
  'istioctl.analyze': [
    { file: 'samples/data-plane-503/istio/analyze.json', path: 'istio/analyze.json' },
    { file: 'samples/data-plane-503/istio/analyze.txt', path: 'istio/analyze.txt' },
    { file: 'test/fixtures/mini-bundle/analyze.txt', path: 'istio/analyze.txt' },
    { file: 'test/fixtures/bug-report/bug-report/analyze/allNamespaces/allNamespaces', path: 'bug-report/analyze/allNamespaces/allNamespaces' },
  ],
  'envoy.configDump': [
    { file: 'test/fixtures/envoy/config-dump-routes-gateway.json', path: `${PROXY_DIR}config_dump.json` },
    { file: 'test/fixtures/envoy/config-dump-secrets.json', path: `${PROXY_DIR}config_dump.json` },
    { file: 'test/fixtures/envoy/config-dump-waypoint.json', path: `${PROXY_DIR}config_dump.json` },
    { file: 'test/fixtures/bug-report/bug-report/proxies/bookinfo/productpage-v1-7d9d4b7c8-qk5zn/config_dump?include_eds', path: 'bug-report/proxies/bookinfo/productpage-v1-7d9d4b7c8-qk5zn/config_dump?include_eds' },
  ],
  'envoy.certs': [
    { file: 'test/fixtures/envoy/certs-sidecar.json', path: `${PROXY_DIR}certs` },
    { file: `${BR}proxies/bookinfo/details-v1-65cfcf56f9-r2l8c/certs`, path: `bug-report/${PROXY_DIR}certs` },
  ],
  'kubectl.top': [
    { file: `${F}kubectl-top-pod-containers.txt`, path: 'kubernetes/top/istio-system.txt' },
    { file: 'samples/control-plane-failure/kubernetes/top/istio-system.txt', path: 'kubernetes/top/istio-system.txt' },
  ],
  'kubectl.pods': [
    { file: 'samples/control-plane-failure/kubernetes/pods/shop.json', path: 'kubernetes/pods/shop.json' },
    { file: 'samples/healthy/kubernetes/pods/istio-system.json', path: 'kubernetes/pods/istio-system.json' },
    { file: 'test/fixtures/bug-report/bug-report/cluster/pods', path: 'bug-report/cluster/pods' },
  ],
  'k8s.resources': [
    { file: 'samples/healthy/istio/resources/virtualservices.json', path: 'istio/resources/virtualservices.json' },
    { file: `${F}virtualservice_destinationhosts.yaml`, path: 'istio/resources/destinationhosts.yaml' },
    { file: 'test/fixtures/istio-analyzer-grid/testdata/conflicting-gateways.yaml', path: 'istio/resources/gateways.yaml' },
  ],
  'envoy.stats': [
    { file: `${F}envoy-stats-prometheus.txt`, path: `bug-report/${PROXY_DIR}stats/prometheus` },
    { file: `${F}envoy-stats-text.txt`, path: `${PROXY_DIR}stats.txt` },
  ],
  'istiod.metrics': [
    { file: `${F}istiod-metrics.txt`, path: 'istiod/istiod-6b9c8d7f5-kx2vq/metrics.txt' },
    { file: `${F}istiod-metrics-help-type.txt`, path: 'istiod/istiod-6b9c8d7f5-kx2vq/metrics.txt' },
  ],
  'proxy.fileDescriptors': [
    { file: 'test/rules/FD001/fires-above-90-percent/bundle/proxies/bookinfo/details-v1-65cfcf56f9-r2l8c/fd-count.txt', path: `${PROXY_DIR}fd-count.txt` },
    { file: 'test/collector/data/envoy/fd-count.txt', path: `${PROXY_DIR}fd-count.txt` },
  ],
  'logs.ztunnel': [
    { file: `${F}ztunnel.log`, path: 'logs/istio-system/ztunnel-c9x4t/ztunnel.log' },
    { file: 'samples/ambient/logs/istio-system/ztunnel-c9x4t/ztunnel.log', path: 'logs/istio-system/ztunnel-c9x4t/ztunnel.log' },
  ],
  'logs.proxy': [
    { file: `${F}istio-proxy-access-text.log`, path: LOG_PROXY },
    { file: `${F}istio-proxy-access-json.log`, path: LOG_PROXY },
    { file: `${F}istio-proxy-lds-reject.log`, path: LOG_PROXY },
    { file: `${F}istio-proxy-startup-cert-failure.log`, path: LOG_PROXY },
    { file: `${F}istio-proxy-xds-stream.log`, path: LOG_PROXY },
  ],
  'logs.istiod': [
    { file: `${F}istiod-push.log`, path: LOG_ISTIOD },
    { file: `${F}istiod-ack-error.log`, path: LOG_ISTIOD },
  ],
  'kubectl.version': [
    { file: `${F}kubectl-version.json`, path: 'kubernetes/version.json' },
    { file: `${F}kubectl-version-eks.json`, path: 'kubernetes/version.json' },
    { file: 'test/fixtures/bug-report/bug-report/cluster/kubectl-version', path: 'bug-report/cluster/kubectl-version' },
  ],
  'istioctl.version': [
    { file: `${F}istioctl-version.json`, path: 'istio/version.json' },
    { file: `${F}istioctl-version-no-control-plane.txt`, path: 'istio/version.json' },
  ],
  'kubectl.serviceNames': [{ file: 'test/collector/data/kubectl/service-names.txt', path: 'kubernetes/service-names.txt' }],
  'kubectl.secretNames': [
    { file: 'test/collector/data/kubectl/secrets-istio-system.txt', path: 'kubernetes/secrets/istio-system.txt' },
    { file: `${BR}cluster/secrets`, path: 'kubernetes/secrets/istio-system.txt' },
  ],
  'certs.public': [
    { file: 'test/fixtures/certs/istio-root.pem', path: 'certs/cacerts/root-cert.pem' },
    { file: 'samples/cert-expiry/certs/cacerts/cert-chain.pem', path: 'certs/cacerts/cert-chain.pem' },
  ],
};

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
let loaded: Map<ArtifactId, Seed[]> | undefined;

/** The seeds of every kind, read once. */
export function seeds(): Map<ArtifactId, Seed[]> {
  loaded ??= new Map(
    Object.entries(SEED_TABLE).map(([kind, sources]) => [
      kind as ArtifactId,
      sources.map((s) => ({ ...s, kind: kind as ArtifactId, bytes: readFileSync(ROOT + s.file) })),
    ]),
  );
  return loaded;
}

export function seedsOf(kind: ArtifactId): Seed[] {
  return seeds().get(kind) ?? [];
}
