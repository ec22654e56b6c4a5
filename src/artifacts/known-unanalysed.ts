/**
 * Files whose origin we know (mostly `istioctl bug-report` outputs) but that no rule of this version
 * reads. The inventory says what they are instead of a bare "not recognised", so an engineer can
 * tell "the analyzer ignores this" from "this file is junk".
 */
const KNOWN: Array<[RegExp, string]> = [
  [/(?:^|\/)proxies\/[^/]+\/ztunnel[^/]*\/config_dump$/, 'ztunnel config dump (ambient mode)'],
  [/(?:^|\/)proxies\/[^/]+\/[^/]+\/(?:clusters|listeners|memory|server_info|runtime|netstat)$/, 'Envoy admin output (istioctl bug-report)'],
  [/(?:^|\/)proxies\/[^/]+\/[^/]+\/cores\/[^/]+$/, 'Envoy core dump (istioctl bug-report)'],
  [/(?:^|\/)istio\/[^/]+\/[^/]+\/debug\/[^/]+$/, 'istiod debug endpoint output (istioctl bug-report)'],
  [/(?:^|\/)bug-report\.log$/, 'istioctl bug-report metadata'],
  [/(?:^|\/)cluster\/(?:events|secrets)$/, 'cluster information (istioctl bug-report)'],
  [/(?:^|\/)(?:cni\/[^/]+\/cni\.log|operator\/[^/]+\/[^/]+\/operator\.log)$/, 'istio-cni or operator log (istioctl bug-report)'],
];

export function knownUnanalysed(path: string): string | undefined {
  const match = KNOWN.find(([pattern]) => pattern.test(path));
  return match ? `${match[1]}: not analysed by this version` : undefined;
}
