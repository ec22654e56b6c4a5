import type { ResourceRecord } from '../model/facets.js';

/**
 * The Istio analysis codes this analyzer derives offline, with Istio's name and level
 * (istio/istio `pkg/config/analysis/msg/messages.yaml`; istio.io/latest/docs/reference/config/analysis/).
 */
export const ISTIO_CODES = {
  IST0101: { name: 'ReferencedResourceNotFound', level: 'Error' },
  IST0102: { name: 'NamespaceNotInjected', level: 'Info' },
  IST0103: { name: 'PodMissingProxy', level: 'Warning' },
  IST0109: { name: 'ConflictingMeshGatewayVirtualServiceHosts', level: 'Error' },
  IST0112: { name: 'VirtualServiceDestinationPortSelectorRequired', level: 'Error' },
  IST0123: { name: 'NamespaceMultipleInjectionLabels', level: 'Warning' },
  IST0128: { name: 'NoServerCertificateVerificationDestinationLevel', level: 'Warning' },
  IST0129: { name: 'NoServerCertificateVerificationPortLevel', level: 'Warning' },
  IST0130: { name: 'VirtualServiceUnreachableRule', level: 'Warning' },
  IST0131: { name: 'VirtualServiceIneffectiveMatch', level: 'Info' },
  IST0132: { name: 'VirtualServiceHostNotFoundInGateway', level: 'Warning' },
  IST0140: { name: 'IngressRouteRulesNotAffected', level: 'Warning' },
  IST0145: { name: 'ConflictingGateways', level: 'Error' },
  IST0148: { name: 'NamespaceInjectionEnabledByDefault', level: 'Info' },
  IST0162: { name: 'GatewayPortNotDefinedOnService', level: 'Warning' },
  IST0165: { name: 'ReferencedInternalGateway', level: 'Warning' },
  IST0173: { name: 'DestinationRuleSubsetNotSelectPods', level: 'Error' },
  IST0174: { name: 'UnknownDestinationRuleHost', level: 'Warning' },
} as const satisfies Record<string, { name: string; level: 'Error' | 'Warning' | 'Info' }>;

export type IstioCode = keyof typeof ISTIO_CODES;

/**
 * One problem an offline analyzer found, shaped like an `istioctl analyze` message so the two can
 * be compared (conformance) and merged (an imported message about the same fault).
 */
export interface IstioMessage {
  code: IstioCode;
  /** The Istio analyzer whose semantics produced it (its Metadata name). */
  analyzer: string;
  /** The resource the message is reported on: its origin in istioctl's words. */
  resource: ResourceRecord;
  /** JSON pointer of the offending field inside the resource (`/spec/http/0/route/1/destination/host`). */
  field?: string;
  /** One sentence: what is wrong. */
  text: string;
  /** What the rule needs to write a fix (the missing host, the subset, the gateway, a close match). */
  details: MessageDetails;
}

export interface MessageDetails {
  /** `host`, `host+subset`, `gateway`, `host:port`, `mirror host`, … (IST0101's reftype). */
  reference?: string;
  host?: string;
  subset?: string;
  gateway?: string;
  port?: number;
  /** A name that exists and differs only in letter case. */
  caseInsensitiveMatch?: string;
  /** Other resources the message involves (the conflicting VirtualServices or Gateways). */
  related?: ResourceRecord[];
  [key: string]: unknown;
}

/** `VirtualService default/reviews`, `Namespace bar`: istioctl's origin FriendlyName. */
export function originName(kind: string, namespace: string | undefined, name: string): string {
  return namespace ? `${kind} ${namespace}/${name}` : `${kind} ${name}`;
}
