import type { BundleFacts, ModelFacets } from '../facets.js';
import { controlPlaneView } from './control-plane.js';
import { proxiesView } from './proxies.js';
import { routingView } from './routing.js';
import type { ModelViews, ViewDefinition, ViewId } from './types.js';

export const VIEWS: { readonly [V in ViewId]: ViewDefinition<V> } = {
  proxies: proxiesView,
  routing: routingView,
  controlPlane: controlPlaneView,
};

export const VIEW_IDS = Object.keys(VIEWS) as ViewId[];

/** Views are built on first use, once per model. */
export function viewCache(facets: ModelFacets, bundle: BundleFacts): <V extends ViewId>(id: V) => ModelViews[V] {
  const built = new Map<ViewId, unknown>();
  return <V extends ViewId>(id: V) => {
    if (!built.has(id)) built.set(id, VIEWS[id].build(facets, bundle));
    return built.get(id) as ModelViews[V];
  };
}

export type { ModelViews, ViewId } from './types.js';
