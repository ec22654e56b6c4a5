/**
 * knownUnanalysed (src/artifacts/known-unanalysed.ts): the files of istioctl bug-report's layout
 * (tools/bug-report/pkg/content) that this version does not read, each named with what it is.
 */
import { describe, expect, it } from 'vitest';
import { knownUnanalysed } from '../../src/artifacts/known-unanalysed.js';

const POD = 'proxies/bookinfo/reviews-v1-5b6c8d7f9-abcde';
const ISTIOD = 'istio/istio-system/istiod-6b9c8d7f5-kx2vq';

describe('files known but not analysed', () => {
  it.each([
    ['bug-report/proxies/istio-system/ztunnel-4kx8q/config_dump', 'ztunnel config dump (ambient mode)'],
    [`${POD}/clusters`, 'Envoy admin `clusters` (text)'],
    [`${POD}/listeners`, 'Envoy admin `listeners` (names and addresses)'],
    [`${POD}/memory`, 'Envoy admin `memory`'],
    [`${POD}/server_info`, 'Envoy admin `server_info`'],
    [`${POD}/runtime`, 'Envoy admin `runtime`'],
    [`${POD}/netstat`, '`netstat -natpw` of the proxy'],
    [`${POD}/cores/core.envoy.1234`, 'Envoy core dump'],
    [`${ISTIOD}/debug/configz`, 'istiod `debug/configz` (the configuration istiod holds)'],
    [`${ISTIOD}/debug/push_status`, 'istiod debug page'],
    ['bug-report/bug-report.log', "istioctl bug-report's own log"],
    ['bug-report/cluster/events', 'Kubernetes events (`kubectl get events -o wide`)'],
    ['cluster/secrets', 'Secret names and types (`kubectl get secrets`)'],
    ['bug-report/cni/istio-cni-node-7xk2p/cni.log', 'istio-cni node agent log'],
    ['operator/istio-operator/istio-operator-6f4d7c9b8-2mzqx/operator.log', 'istio-operator log'],
  ])('%s is %s', (path, what) => {
    const reason = knownUnanalysed(path);
    expect(reason?.startsWith(`${what}: not analysed by this version (`), reason).toBe(true);
    expect(reason).toMatch(/\(.{10,}\)$/);
  });

  it.each([
    `${POD}/cores`, // the folder, not a core in it
    `${ISTIOD}/debug/configz/extra`,
    `istio/istio-system/debug/configz`, // no istiod pod folder
    `istio/istio-system/a/b/debug/configz`,
    `${POD}/netstat.txt`,
    'myistio/istio-system/istiod-6b9c8d7f5-kx2vq/debug/push_status',
    `${POD}/config_dump`,
  ])('%s is not one of them', (path) => {
    expect(knownUnanalysed(path)).toBeUndefined();
  });
});
