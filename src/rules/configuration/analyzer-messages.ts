/**
 * Names and fixes of the istioctl analyze codes support engineers meet most (messages.yaml in
 * istio/istio, `pkg/config/analysis/msg/messages.yaml`). Codes not listed still become findings, with Istio's own text.
 */
export const ANALYZER_MESSAGES: Record<string, { name: string; fix: string }> = {
  IST0101: {
    name: 'ReferencedResourceNotFound',
    fix: 'Create the referenced resource or correct the reference. Host names are case-sensitive, and short names resolve in the namespace of the resource that names them (`reviews` in namespace `bookinfo` is `reviews.bookinfo.svc.cluster.local`). A route subset needs a DestinationRule for that host that defines the subset.',
  },
  IST0102: {
    name: 'NamespaceNotInjected',
    fix: 'Label the namespace for injection (`kubectl label namespace <ns> istio-injection=enabled`, or `istio.io/rev=<revision>` for revisioned installs) and restart its workloads; or label it `istio-injection=disabled` if it is meant to stay outside the mesh.',
  },
  IST0103: { name: 'PodMissingProxy', fix: 'Restart the workload so the injector adds the sidecar: `kubectl rollout restart deployment/<name> -n <ns>`.' },
  IST0106: { name: 'SchemaValidationError', fix: 'Correct the field the message names; the resource is rejected or ignored as it stands.' },
  IST0108: { name: 'UnknownAnnotation', fix: 'Remove or correct the annotation: a misspelt Istio annotation silently does nothing.' },
  IST0109: {
    name: 'ConflictingMeshGatewayVirtualServiceHosts',
    fix: 'Merge the VirtualServices that claim the same host into one; with several, which rules apply is undefined.',
  },
  IST0110: { name: 'ConflictingSidecarWorkloadSelectors', fix: 'Make the Sidecar resources select disjoint workloads.' },
  IST0111: { name: 'MultipleSidecarsWithoutWorkloadSelectors', fix: 'Keep one Sidecar without workloadSelector per namespace.' },
  IST0112: { name: 'VirtualServiceDestinationPortSelectorRequired', fix: 'Add `destination.port.number` to the route: the service exposes several ports.' },
  IST0118: { name: 'PortNameIsNotUnderNamingConvention', fix: 'Name the Service port with its protocol (`http-…`, `grpc-…`, `tcp-…`) or set `appProtocol`, so Istio does not have to guess.' },
  IST0128: { name: 'NoServerCertificateVerificationDestinationLevel', fix: 'Set `caCertificates` (or `credentialName`) in the DestinationRule TLS settings so the server certificate is verified.' },
  IST0132: { name: 'VirtualServiceHostNotFoundInGateway', fix: 'Add the host to the Gateway\'s `servers[].hosts`, or bind the VirtualService to the gateway that serves it.' },
  IST0145: { name: 'ConflictingGateways', fix: 'Give the Gateways distinct selectors, ports or hosts; conflicting servers are dropped.' },
};

export function analyzerDocs(code: string): string {
  return `https://istio.io/latest/docs/reference/config/analysis/${code.toLowerCase()}/`;
}
