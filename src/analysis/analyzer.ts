import type { ConfigIndex } from './config-index.js';
import type { IstioCode, IstioMessage } from './messages.js';

/**
 * An offline analyzer: the semantics of one Istio analyzer (same Metadata name, same codes), run
 * over the resources of a bundle. Conformance (scripts/conformance.ts) compares each with Istio's
 * own test grid case by case.
 */
export interface OfflineAnalyzer {
  /** Istio's Metadata name (`virtualservice.DestinationHostAnalyzer`). */
  name: string;
  codes: readonly IstioCode[];
  analyze(index: ConfigIndex): Omit<IstioMessage, 'analyzer'>[];
}

export function defineAnalyzer(analyzer: OfflineAnalyzer): OfflineAnalyzer {
  return analyzer;
}
