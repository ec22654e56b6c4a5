/**
 * Files whose origin we know (mostly `istioctl bug-report` outputs) but that no rule of this version
 * reads, each with what it is and why it is not read. The inventory lists them as *not analysed*, so
 * an engineer can tell "the analyzer ignores this, for this reason" from "this file is junk". The
 * layout is istioctl's (tools/bug-report/pkg/content, pkg/common): `proxies/<ns>/<pod>/<admin URL>`,
 * `istio/<ns>/<istiod>/debug/<page>`, `cluster/<file>`.
 */
const KNOWN: ReadonlyArray<{ pattern: RegExp; what: string; why: string }> = [
  { pattern: /(?:^|\/)proxies\/[^/]+\/ztunnel[^/]*\/config_dump$/, what: 'ztunnel config dump (ambient mode)', why: 'its workloads, services and certificates are not summarised yet; AMB001 reads the ztunnel log' },
  { pattern: /(?:^|\/)proxies\/[^/]+\/[^/]+\/clusters$/, what: 'Envoy admin `clusters` (text)', why: 'the config dump (`config_dump?include_eds`) holds the same clusters and endpoints, which the rules read' },
  { pattern: /(?:^|\/)proxies\/[^/]+\/[^/]+\/listeners$/, what: 'Envoy admin `listeners` (names and addresses)', why: 'the config dump holds the listeners in full' },
  { pattern: /(?:^|\/)proxies\/[^/]+\/[^/]+\/memory$/, what: 'Envoy admin `memory`', why: "MEM001 reads the proxy's memory from `kubectl top` and `server.memory_allocated` in its stats (`stats/prometheus`)" },
  { pattern: /(?:^|\/)proxies\/[^/]+\/[^/]+\/server_info$/, what: 'Envoy admin `server_info`', why: "the proxy's version and uptime come from the pods and the config dump's bootstrap" },
  { pattern: /(?:^|\/)proxies\/[^/]+\/[^/]+\/runtime$/, what: 'Envoy admin `runtime`', why: 'runtime overrides: no rule checks them' },
  { pattern: /(?:^|\/)proxies\/[^/]+\/[^/]+\/netstat$/, what: '`netstat -natpw` of the proxy', why: 'socket tables: no rule reads them' },
  { pattern: /(?:^|\/)proxies\/[^/]+\/[^/]+\/cores\/[^/]+$/, what: 'Envoy core dump', why: 'binary: needs a debugger and the matching Envoy build' },
  { pattern: /(?:^|\/)istio\/[^/]+\/[^/]+\/debug\/configz$/, what: 'istiod `debug/configz` (the configuration istiod holds)', why: 'the same objects as `cluster/crs`, which is read' },
  { pattern: /(?:^|\/)istio\/[^/]+\/[^/]+\/debug\/[^/]+$/, what: 'istiod debug page', why: 'only `debug/syncz` is read (proxy sync status); the other pages (push_status, registryz, adsz, mesh, …) are not summarised yet' },
  { pattern: /(?:^|\/)bug-report\.log$/, what: "istioctl bug-report's own log", why: "it records the tool's run, not the mesh" },
  { pattern: /(?:^|\/)cluster\/events$/, what: 'Kubernetes events (`kubectl get events -o wide`)', why: "pod restarts, OOMKills and probe failures are read from the pods' status" },
  { pattern: /(?:^|\/)cluster\/secrets$/, what: 'Secret names and types (`kubectl get secrets`)', why: 'MC001 reads the collector\'s remote-secret listing, not this table yet; with `--full-secrets` the file is YAML with values and is read as resources (and flagged as secret material)' },
  { pattern: /(?:^|\/)cni\/[^/]+\/cni\.log$/, what: 'istio-cni node agent log', why: 'not summarised yet' },
  { pattern: /(?:^|\/)operator\/[^/]+\/[^/]+\/operator\.log$/, what: 'istio-operator log', why: 'the operator is deprecated and installs nothing at run time' },
];

/** What a known file is and why this version does not read it, or undefined for a file of unknown origin. */
export function knownUnanalysed(path: string): string | undefined {
  const match = KNOWN.find(({ pattern }) => pattern.test(path));
  return match ? `${match.what}: not analysed by this version (${match.why})` : undefined;
}
