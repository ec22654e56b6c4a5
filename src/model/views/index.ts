import type { BundleFacts, ModelFacets } from '../facets.js';
import { certificatesView } from './certificates.js';
import { configurationView } from './configuration.js';
import { controlPlaneView } from './control-plane.js';
import { proxiesView } from './proxies.js';
import { proxyConfigView } from './proxy-config.js';
import { routingView } from './routing.js';
import type { ModelViews, ViewDefinition, ViewId } from './types.js';

export const VIEWS: { readonly [V in ViewId]: ViewDefinition<V> } = {
  proxies: proxiesView,
  routing: routingView,
  controlPlane: controlPlaneView,
  configuration: configurationView,
  proxyConfig: proxyConfigView,
  certificates: certificatesView,
};

export const VIEW_IDS = Object.keys(VIEWS) as ViewId[];

/**
 * Views are built on first use, once per model, each from the facets it declares only: reading
 * another throws, so a view's `reads` (which rules are checked against) is the truth.
 */
export function viewCache(facets: ModelFacets, bundle: BundleFacts): <V extends ViewId>(id: V) => ModelViews[V] {
  const built = new Map<ViewId, unknown>();
  return <V extends ViewId>(id: V) => {
    if (!built.has(id)) built.set(id, VIEWS[id].build(declaredFacets(facets, VIEWS[id]), bundle));
    return built.get(id) as ModelViews[V];
  };
}

function declaredFacets(facets: ModelFacets, view: ViewDefinition): ModelFacets {
  const reads = new Set<string>(view.reads);
  return new Proxy(facets, {
    get(target, property, receiver) {
      if (typeof property === 'string' && !reads.has(property)) throw new Error(`view ${view.id} read facet "${property}" that it does not declare`);
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
}

export type { ModelViews, ViewId } from './types.js';
