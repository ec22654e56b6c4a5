import { sortInventory, type Artifact, type InventoryItem } from '../artifacts/artifact.js';
import type { Manifest } from '../artifacts/manifest/schema.js';
import { compareText } from '../order.js';
import { FACET_BUILDERS } from './builders/index.js';
import { bundleFacts } from './bundle-facts.js';
import { collectionOf } from './collection.js';
import { viewCache } from './views/index.js';
import type { InputId, MeshModel, ModelFacets } from './facets.js';

export interface ModelInput {
  source: string;
  artifacts: Artifact[];
  inventory: InventoryItem[];
  manifest?: Manifest;
  /** Text of the collector's .stderr files, by bundle path relative to the manifest. */
  stderrByPath?: ReadonlyMap<string, string>;
}

/**
 * Joins parsed artifacts into one snapshot: each facet by its own builder (builders/), in the
 * table's order. Deterministic: artifacts are visited in path order.
 */
export function buildModel(input: ModelInput): MeshModel {
  const artifacts = [...input.artifacts].sort((a, b) => compareText(a.path, b.path));
  const built: Partial<Record<InputId, unknown>> = {};
  const provided = new Set<InputId>();
  for (const builder of FACET_BUILDERS) {
    const facet = builder.build(artifacts, built as Partial<ModelFacets>);
    built[builder.facet] = facet;
    const isProvided = builder.provided ? builder.provided(artifacts, facet) : artifacts.some((a) => a.kind === builder.facet);
    if (isProvided) provided.add(builder.facet);
  }
  const facets = built as ModelFacets;
  const bundle = bundleFacts({ ...input, artifacts }, facets);
  const collection = collectionOf(input.manifest, input.stderrByPath ?? new Map(), sortInventory(input.inventory));
  return { bundle, collection, facets, provided, view: viewCache(facets, bundle) };
}
