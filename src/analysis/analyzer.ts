import type { ConfigIndex } from './config-index.js';
import type { IstioCode, IstioMessage } from './messages.js';

/**
 * An offline analyzer: the semantics of one Istio analyzer (same Metadata name, same codes), run
 * over the resources of a bundle. Conformance (scripts/conformance.ts) compares each with Istio's
 * own test grid case by case.
 */
export interface OfflineAnalyzer {
  /** Istio's Metadata name (`virtualservice.DestinationHostAnalyzer`), or our own for a check Istio's analyzers lack. */
  name: string;
  /**
   * A check `istioctl analyze` does not do (Gateway API references, delegates), reported with the
   * Istio code of the same kind of fault; Istio's test grid has no case for it.
   */
  beyondIstio?: true;
  codes: readonly IstioCode[];
  analyze(index: ConfigIndex): Omit<IstioMessage, 'analyzer'>[];
}

export function defineAnalyzer(analyzer: OfflineAnalyzer): OfflineAnalyzer {
  return analyzer;
}
