import { amb001 } from './ambient/amb001-ztunnel-errors.js';
import { amb002 } from './ambient/amb002-l7-without-waypoint.js';
import { amb003 } from './ambient/amb003-waypoint-not-ready.js';
import { cfg001 } from './configuration/cfg001-istioctl-analyze-messages.js';
import { cfg002 } from './configuration/cfg002-destination-host-not-found.js';
import { cfg003 } from './configuration/cfg003-subset-not-defined.js';
import { cfg004 } from './configuration/cfg004-gateway-reference.js';
import { cfg005 } from './configuration/cfg005-workloads-outside-mesh.js';
import { cfg006 } from './configuration/cfg006-no-route-near-miss.js';
import { cfg007 } from './configuration/cfg007-conflicting-mesh-hosts.js';
import { cfg008 } from './configuration/cfg008-ineffective-route-rules.js';
import { cfg009 } from './configuration/cfg009-destination-rule-matches-nothing.js';
import { cfg010 } from './configuration/cfg010-gateway-workload.js';
import { cert001 } from './certificates/cert001-workload-certificate-expired.js';
import { cert002 } from './certificates/cert002-root-certificate-mismatch.js';
import { cert003 } from './certificates/cert003-ca-certificate-expiry.js';
import { cert004 } from './certificates/cert004-mtls-mode-conflict.js';
import { cert005 } from './certificates/cert005-emergency-change-left-in-place.js';
import { cfg011 } from './certificates/cfg011-tls-origination-unverified.js';
import { cp001 } from './control-plane/cp001-proxies-not-synced.js';
import { cp002 } from './control-plane/cp002-proxy-not-connected.js';
import { cp003 } from './control-plane/cp003-istiod-not-healthy.js';
import { cp004 } from './control-plane/cp004-istiod-memory-over-4gb.js';
import { cp005 } from './control-plane/cp005-istiod-sizing.js';
import { cp006 } from './control-plane/cp006-istiod-cpu-or-push-delays.js';
import { cp007 } from './control-plane/cp007-version-skew.js';
import { cp008 } from './control-plane/cp008-configuration-rejected.js';
import { cp009 } from './control-plane/cp009-istiod-errors.js';
import type { AnyRule } from './rule.js';
import { log001 } from './sidecar-logs/log001-upstream-connect-error.js';
import { log002 } from './sidecar-logs/log002-no-healthy-upstream.js';
import { log003 } from './sidecar-logs/log003-tls-certificate-errors.js';
import { log004 } from './sidecar-logs/log004-no-route-matched.js';
import { log005 } from './sidecar-logs/log005-rbac-access-denied.js';
import { log006 } from './sidecar-logs/log006-listener-bind-failure.js';
import { log007 } from './sidecar-logs/log007-too-many-open-files.js';
import { log008 } from './sidecar-logs/log008-xds-stream-closed.js';
import { log009 } from './sidecar-logs/log009-response-flags.js';
import { log010 } from './sidecar-logs/log010-proxy-not-ready.js';
import { fd001 } from './scale/fd001-file-descriptors-near-limit.js';
import { mem001 } from './scale/mem001-proxy-memory-over-2gb.js';
import { mem002 } from './scale/mem002-config-for-unused-services.js';
import { tp001 } from './traffic-path/tp001-cluster-missing-from-proxy.js';
import { tp002 } from './traffic-path/tp002-virtual-service-not-applied.js';
import { mc001 } from './multi-cluster/mc001-cross-cluster-unreachable.js';
import { mesh001 } from './multi-cluster/mesh001-other-mesh-proxy.js';

/** Every rule, in catalogue order. Rule ids never change meaning once released. */
export const RULES: readonly AnyRule[] = [cp001, cp002, cp003, cp004, cp005, cp006, cp007, cp008, cp009, cfg001, cfg002, cfg003, cfg004, cfg005, cfg006, cfg007, cfg008, cfg009, cfg010, cfg011, tp001, tp002, log001, log002, log003, log004, log005, log006, log007, log008, log009, log010, cert001, cert002, cert003, cert004, cert005, amb001, amb002, amb003, mem001, mem002, fd001, mc001, mesh001];

export function findRule(id: string): AnyRule | undefined {
  return RULES.find((rule) => rule.id.toLowerCase() === id.toLowerCase() || rule.slug === id);
}
