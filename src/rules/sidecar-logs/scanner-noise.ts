import type { LogRecord, PodRecord } from '../../model/facets.js';

/**
 * Requests internet scanners send to any public address: a raw IP as the authority (no DNS name of
 * the mesh), or a probe for well-known vulnerable software (dotfiles, WordPress, PHP admin pages,
 * CGI, Spring actuators, router firmware). At an ingress gateway their `no route` answers are noise.
 */
const RAW_IP_AUTHORITY = /^(?:\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-f:]+\])(?::\d+)?(?=\/|$)/i;
const PROBE_PATH = /^\/(?:\.env|\.git|\.aws|\.DS_Store|wp-(?:login|admin|content|includes)|xmlrpc\.php|phpmyadmin|pma|admin\.php|cgi-bin|actuator|boaform|HNAP1|owa|solr|vendor\/phpunit|console|manager\/html|server-status|\.well-known\/security\.txt)/i;

/** The share of requests counted in the breakdown (`<method> <authority><path>`) that look like scanner traffic, above which the whole signature is noise. */
export const SCANNER_NOISE_SHARE = 0.9;

/** Whether a breakdown key (`<method> <authority><path>`) looks like scanner traffic. */
export function isScannerRequest(key: string): boolean {
  const target = key.slice(key.indexOf(' ') + 1);
  const slash = target.indexOf('/');
  const path = slash < 0 ? '/' : target.slice(slash);
  return RAW_IP_AUTHORITY.test(target) || PROBE_PATH.test(path);
}

export function scannerShare(breakdown: ReadonlyArray<{ key: string; count: number }>): number {
  let total = 0;
  let scanner = 0;
  for (const { key, count } of breakdown) {
    total += count;
    if (isScannerRequest(key)) scanner += count;
  }
  return total === 0 ? 0 : scanner / total;
}

/** An ingress gateway's pod, as Istio's charts and the Gateway API deployment controller label it. */
export function isIngressGateway(log: LogRecord, pods: readonly PodRecord[]): boolean {
  const pod = pods.find((p) => p.name === log.pod && (log.namespace === undefined || p.namespace === log.namespace));
  const labels = pod?.pod.metadata?.labels ?? {};
  if (labels.istio === 'ingressgateway' || 'gateway.networking.k8s.io/gateway-name' in labels) return true;
  return pod === undefined && log.pod !== undefined && /^istio-ingressgateway-/.test(log.pod);
}
