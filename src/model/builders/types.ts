import type { Artifact } from '../../artifacts/artifact.js';
import type { InputId, ModelFacets, Source } from '../facets.js';

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

export function source(path: string, pointer?: string, line?: number): Source {
  return { path, ...(pointer ? { pointer } : {}), ...(line ? { line } : {}) };
}
