import type { OfflineAnalyzer } from '../analyzer.js';
import { caCertificatesAnalyzer, insecureSkipVerifyAnalyzer } from './destination-rule-ca-certificates.js';
import { subsetSelectPodAnalyzer } from './destination-rule-subsets.js';
import { conflictingGatewaysAnalyzer } from './conflicting-gateways.js';
import { gatewayApiReferenceAnalyzer } from './gateway-api-references.js';
import { gatewayPortAnalyzer } from './gateway-ports.js';
import { injectionAnalyzer } from './injection.js';
import { unreachableRulesAnalyzer } from './virtualservice-unreachable-rules.js';
import { conflictingMeshHostsAnalyzer } from './virtualservice-conflicting-mesh-hosts.js';
import { destinationHostAnalyzer } from './virtualservice-destination-hosts.js';
import { destinationRuleSubsetAnalyzer } from './virtualservice-destination-rules.js';
import { delegateAnalyzer } from './virtualservice-delegates.js';
import { matchGatewayAnalyzer } from './virtualservice-match-gateways.js';
import { gatewayReferenceAnalyzer } from './virtualservice-gateways.js';

/** Every offline analyzer: Istio's (by Metadata name), then the checks Istio's analyzers lack. */
export const OFFLINE_ANALYZERS: readonly OfflineAnalyzer[] = [
  caCertificatesAnalyzer,
  subsetSelectPodAnalyzer,
  conflictingGatewaysAnalyzer,
  gatewayPortAnalyzer,
  injectionAnalyzer,
  unreachableRulesAnalyzer,
  conflictingMeshHostsAnalyzer,
  destinationHostAnalyzer,
  destinationRuleSubsetAnalyzer,
  gatewayReferenceAnalyzer,
  // Beyond Istio's analyzers:
  delegateAnalyzer,
  gatewayApiReferenceAnalyzer,
  insecureSkipVerifyAnalyzer,
  matchGatewayAnalyzer,
];
