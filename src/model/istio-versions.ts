import type { BugReportVersions } from '../artifacts/bug-report/kinds.js';
import { compareText } from '../order.js';
import type { IstioVersions, ModelFacets } from './facets.js';
import { isIstiod } from './pods.js';

/** `docker.io/istio/proxyv2:1.22.3`, `gcr.io/istio-release/pilot:1.24.2-distroless` → the release. */
const ISTIO_IMAGE = /(?:^|\/)(proxyv2|pilot):(\d+\.\d+\.\d+(?:-(?:alpha|beta|rc)\.\d+)?)(?:$|[-@])/;

/** The Istio release of a `pilot` (istiod) or `proxyv2` (sidecar, gateway) image; undefined for any other image. */
export function imageRelease(image: string | undefined, component: 'pilot' | 'proxyv2'): string | undefined {
  const m = image ? ISTIO_IMAGE.exec(image) : null;
  return m && m[1] === component ? m[2] : undefined;
}

/**
 * The Istio releases the bundle reveals, wherever it reveals them: proxy-status and syncz rows,
 * the images of istiod's discovery container and of the istio-proxy containers, pilot-agent's
 * start-up line in proxy logs, `istioctl version`, and an istioctl bug-report's `versions` file.
 */
export function istioVersions(facets: ModelFacets, bugReportVersions: readonly BugReportVersions[]): IstioVersions {
  const controlPlane = new Set<string>();
  const dataPlane = new Set<string>();
  for (const source of [...facets['istioctl.proxyStatus'], ...facets['istiod.syncz']]) {
    for (const row of source.proxies) if (row.version) dataPlane.add(row.version);
  }
  for (const { pod } of facets['kubectl.pods']) {
    const istiod = isIstiod(pod);
    for (const container of [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])]) {
      const m = container.image ? ISTIO_IMAGE.exec(container.image) : null;
      if (!m) continue;
      if (istiod && container.name === 'discovery' && m[1] === 'pilot') controlPlane.add(m[2]!);
      else if (container.name === 'istio-proxy' && m[1] === 'proxyv2') dataPlane.add(m[2]!);
    }
  }
  for (const log of facets['logs.proxy']) if (log.summary.istioVersion) dataPlane.add(log.summary.istioVersion);
  for (const version of facets['istioctl.version']) {
    for (const cp of version.controlPlane) controlPlane.add(cp.version);
    for (const proxy of version.proxies) dataPlane.add(proxy.version);
  }
  for (const versions of bugReportVersions) {
    for (const v of versions.controlPlane) controlPlane.add(v);
    for (const v of versions.proxies) dataPlane.add(v);
  }
  return { controlPlane: [...controlPlane].sort(compareText), dataPlane: [...dataPlane].sort(compareText) };
}
