import type { Artifact } from '../../artifacts/artifact.js';
import type { InputId, ModelFacets, PodRecord, Source } from '../facets.js';

/**
 * Builds one facet of the model from the artifacts (in path order). A builder may join with the
 * facets listed in `uses`, which the table builds first (a test checks the order).
 */
export interface FacetBuilder<F extends InputId = InputId> {
  facet: F;
  uses?: readonly InputId[];
  build(artifacts: readonly Artifact[], built: Readonly<Partial<ModelFacets>>): ModelFacets[F];
  /**
   * Whether the bundle provides this input, even empty (an empty pod listing is an answer).
   * Default: an artifact of the facet's own kind is in the bundle.
   */
  provided?(artifacts: readonly Artifact[], facet: ModelFacets[F]): boolean;
}

export function defineBuilder<F extends InputId>(builder: FacetBuilder<F>): FacetBuilder<F> {
  return builder;
}

/** A facet another builder joins with; the table's order guarantees it is built. */
export function builtFacet<F extends InputId>(built: Readonly<Partial<ModelFacets>>, facet: F): ModelFacets[F] {
  const value = built[facet];
  if (!value) throw new Error(`facet ${facet} is used before it is built (check the order of FACET_BUILDERS)`);
  return value;
}

/**
 * Looks up the namespace of the one pod of a name in the bundle (undefined when no namespace or
 * several have a pod of that name): how a name without a namespace is placed.
 */
export function namespaceByPodName(pods: readonly PodRecord[]): (name: string) => string | undefined {
  const byName = new Map<string, Set<string>>();
  for (const pod of pods) byName.set(pod.name, (byName.get(pod.name) ?? new Set()).add(pod.namespace));
  return (name) => {
    const namespaces = byName.get(name);
    return namespaces?.size === 1 ? [...namespaces][0] : undefined;
  };
}

export function source(path: string, pointer?: string, line?: number): Source {
  return { path, ...(pointer ? { pointer } : {}), ...(line ? { line } : {}) };
}

/** The file and the pod it is about (the bundle's path or manifest); a path without namespace gets the one pod of that name's. */
export function podOf(artifact: Artifact, pods: readonly PodRecord[]): { path: string; namespace?: string; pod?: string } {
  const { pod, namespace = pod ? namespaceByPodName(pods)(pod) : undefined } = artifact.context;
  return { path: artifact.path, ...(namespace ? { namespace } : {}), ...(pod ? { pod } : {}) };
}
