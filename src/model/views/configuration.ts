import type { OfflineAnalyzer } from '../../analysis/analyzer.js';
import { OFFLINE_ANALYZERS } from '../../analysis/analyzers/index.js';
import { buildConfigIndex, type ConfigIndex } from '../../analysis/config-index.js';
import type { IstioCode, IstioMessage } from '../../analysis/messages.js';
import { compareText } from '../../order.js';
import type { KubernetesObject } from '../../artifacts/k8s/resource-schema.js';
import { defineView } from './types.js';

/**
 * The bundle's configuration as Istio would resolve it (analysis/config-index.ts), and what the
 * offline analyzers find in it: a complete offline `istioctl analyze` for the codes they implement.
 */
export interface ConfigurationView {
  index: ConfigIndex;
  /** Every offline analyzer's messages, in a stable order (file, position, code). */
  messages: readonly IstioMessage[];
  /** The messages of one analyzer, optionally of some codes only. */
  from(analyzer: OfflineAnalyzer, codes?: readonly IstioCode[]): IstioMessage[];
}

export const configurationView = defineView({
  id: 'configuration',
  reads: ['k8s.resources', 'kubectl.pods'],
  build(facets, bundle) {
    const pods = facets['kubectl.pods'].map((p) => ({ object: p.pod as unknown as KubernetesObject, source: p.source }));
    const index = buildConfigIndex(facets['k8s.resources'], pods, { istioNamespace: bundle.istioNamespace });
    const messages = OFFLINE_ANALYZERS.flatMap((analyzer) => analyzer.analyze(index).map((m) => ({ ...m, analyzer: analyzer.name }))).sort(byPlace);
    return {
      index,
      messages,
      from: (analyzer, codes) => messages.filter((m) => m.analyzer === analyzer.name && (!codes || codes.includes(m.code))),
    };
  },
});

function byPlace(a: IstioMessage, b: IstioMessage): number {
  return (
    compareText(a.resource.source.path, b.resource.source.path) ||
    (a.resource.source.line ?? 0) - (b.resource.source.line ?? 0) ||
    compareText(a.resource.source.pointer ?? '', b.resource.source.pointer ?? '') ||
    compareText(a.field ?? '', b.field ?? '') ||
    compareText(a.code, b.code) ||
    compareText(a.text, b.text)
  );
}
