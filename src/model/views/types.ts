import type { BundleFacts, InputId, ModelFacets } from '../facets.js';
import type { CertificatesView } from './certificates.js';
import type { ConfigurationView } from './configuration.js';
import type { ControlPlaneView } from './control-plane.js';
import type { ProxiesView } from './proxies.js';
import type { ProxyConfigView } from './proxy-config.js';
import type { RoutingView } from './routing.js';

/**
 * Derived views: the joins several rules (and the report) need, written once. A view declares the
 * facets it reads; a rule may use a view only if it declares those facets itself (a meta-test
 * checks), so a view never hands a rule data its declaration does not promise.
 */
export interface ModelViews {
  proxies: ProxiesView;
  routing: RoutingView;
  controlPlane: ControlPlaneView;
  configuration: ConfigurationView;
  proxyConfig: ProxyConfigView;
  certificates: CertificatesView;
}

export type ViewId = keyof ModelViews;

export interface ViewDefinition<V extends ViewId = ViewId> {
  id: V;
  reads: readonly InputId[];
  build(facets: ModelFacets, bundle: BundleFacts): ModelViews[V];
}

export function defineView<V extends ViewId>(view: ViewDefinition<V>): ViewDefinition<V> {
  return view;
}
