import type { ConfigSection } from '../artifacts/envoy/summary-schema.js';
import type { ProxyConfig, ProxyConfigView } from '../model/views/proxy-config.js';
import type { RuleContext } from './rule.js';
import { shell } from './shell.js';

/** Gateways (a `router~` node id, Istio's gateway labels) route whatever they expose, not what a sidecar's scope says. */
export function isGatewayProxy(proxy: ProxyConfig): boolean {
  const nodeId = Object.values(proxy.sections).find((r) => r?.summary.node?.id)?.summary.node?.id;
  if (nodeId && !nodeId.startsWith('sidecar~')) return true;
  const labels = proxy.podRecord?.pod.metadata?.labels ?? {};
  return labels.istio === 'ingressgateway' || labels.istio === 'egressgateway' || 'gateway.networking.k8s.io/gateway-name' in labels || 'istio.io/gateway-name' in labels;
}

/**
 * The proxies whose config dump holds `section`; none means the rule cannot answer, and says so
 * with the command that collects a dump.
 */
export function proxiesHolding(section: ConfigSection, view: ProxyConfigView, context: RuleContext): ProxyConfig[] {
  const proxies = view.proxies.filter((p) => p.sections[section]);
  if (proxies.length === 0) context.notChecked(`no config dump in the bundle holds the ${section} section`, [shell`istioctl proxy-config all <pod> -n <namespace> -o json`]);
  return proxies;
}
