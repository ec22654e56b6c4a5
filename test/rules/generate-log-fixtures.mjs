// Regenerates the LOG006–LOG008, LOG010 and CP008 fixture bundles: `node test/rules/generate-log-fixtures.mjs`.
// Every log is the healthy productpage sidecar log of the LOG003 fixtures (pilot-agent start-up, then Istio TEXT
// access lines) with real lines of test/fixtures/formats/ (origins in its README) put after the start-up; where a
// line had to name another port or proxy than its source, only that value is changed and the comment says so.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { podFromTemplate } from '../../scripts/fixtures/pod-from-template.mjs';
import { kubectlList, ruleFixturesOut, writeRuleFixture } from '../../scripts/fixtures/bundle-files.mjs';

const here = dirname(fileURLToPath(import.meta.url));
// Written under RULE_FIXTURES_OUT when set (generators.test.ts), else here; inputs are always read from here.
const out = ruleFixturesOut(here);
/** `asciiExpect`: the expect.json was edited by hand with its non-ASCII characters as JSON escapes (`\u2014`); kept so. */
const writeBundle = (rule, name, files, expect, { asciiExpect = false } = {}) => {
  writeRuleFixture(join(out, rule, name), files, expect);
  if (asciiExpect) {
    const path = join(out, rule, name, 'expect.json');
    writeFileSync(path, readFileSync(path, 'utf8').replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
  }
};
const formats = (name) => readFileSync(join(here, '../fixtures/formats', name), 'utf8').split('\n').filter((l) => l !== '');
const HEALTHY = readFileSync(join(here, 'LOG003/quiet-healthy-traffic/bundle/logs/bookinfo/productpage-v1-6b746f74dc-8xk2r/istio-proxy.log'), 'utf8').trimEnd().split('\n');
const START = HEALTHY.filter((l) => !l.startsWith('['));
const ACCESS = HEALTHY.filter((l) => l.startsWith('['));
const POD = 'productpage-v1-6b746f74dc-8xk2r';
const LOG = `logs/bookinfo/${POD}/istio-proxy.log`;
const subject = { kind: 'Pod', namespace: 'bookinfo', name: POD };
// LOG003, LOG004 and LOG005 report per workload: the productpage-v1 Deployment, the ingress gateway's.
const productpageDeployment = { kind: 'Deployment', namespace: 'bookinfo', name: 'productpage-v1' };
const gatewayDeployment = { kind: 'Deployment', namespace: 'istio-system', name: 'istio-ingressgateway' };

/** The sidecar log with `lines` after its start-up and before its traffic. */
const sidecarLog = (lines) => `${[...START, ...lines, ...ACCESS].join('\n')}\n`;


const xds = formats('istio-proxy-xds-stream.log');
const lds = formats('istio-proxy-lds-reject.log');
const readiness = formats('pilot-agent-readiness.log');
const ack = formats('istiod-ack-error.log');
const list = (items) => `${JSON.stringify({ apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } }, null, 4)}\n`;

// LOG006 — the privileged-port bind failure as istio/istio#16935 logged it; the same line for the capture port
// 15001 with `Address already in use` (the reason Envoy gives for a taken port, envoyproxy/envoy#4773).
const bind80 = lds.filter((l) => l.includes("cannot bind '0.0.0.0:80'"));
const bind15001 = bind80[0].replace("listener '0.0.0.0_80'", "listener 'virtualOutbound'").replace("'0.0.0.0:80': Permission denied", "'0.0.0.0:15001': Address already in use");
const template = JSON.parse(readFileSync(join(here, 'CP007/quiet-one-minor-behind/bundle/kubernetes/pods/bookinfo.json'), 'utf8')).items.find((p) => p.metadata.name.startsWith('productpage'));
const withLinkerd = podFromTemplate(template, { name: POD, namespace: 'bookinfo', app: 'productpage', ip: '10.244.1.17' });
withLinkerd.spec.containers.push({ name: 'linkerd-proxy', image: 'cr.l5d.io/linkerd/proxy:stable-2.14.10', ports: [{ containerPort: 4143, name: 'linkerd-proxy' }] });
writeBundle('LOG006', 'fires-capture-port-taken-beside-linkerd', { [LOG]: sidecarLog([bind15001]), 'kubernetes/pods/bookinfo.json': list([withLinkerd]) }, {
  // linkerd-proxy listens on 4143/4140, not 15001: it is named, not blamed.
  findings: [{ subject, severity: 'high', explanationIncludes: ['`0.0.0.0:15001: Address already in use` (1)', 'the pod also runs `linkerd-proxy` (Linkerd, which listens on inbound 4143, outbound 127.0.0.1:4140, admin 4191, not 15001): a second Istio injection, or another process'] }],
});
writeBundle('LOG006', 'fires-privileged-port', { [LOG]: sidecarLog(bind80) }, {
  findings: [{ subject, severity: 'high', explanationIncludes: ['`0.0.0.0:80: Permission denied` (2)', 'NET_BIND_SERVICE'] }],
});
writeBundle('LOG006', 'quiet-healthy', { [LOG]: sidecarLog([]) }, { findings: [] });

// LOG007 — Envoy's socket(2) assert (envoyproxy/envoy#13852) and pilot-agent's inotify failure (istio/istio#55915), in Istio's log layout.
const fd = [
  '2024-11-05T09:52:10.118204Z\tcritical\tenvoy assert\tassert failure: SOCKET_VALID(result.rc_). Details: socket(2) failed, got error: Too many open files',
  '2024-11-05T09:52:11.002731Z\terror\tfailed to start SDS server: failed to start workload secret manager too many open files',
];
writeBundle('LOG007', 'fires-socket-and-watch-failures', { [LOG]: sidecarLog(fd) }, {
  findings: [{ subject, severity: 'high', explanationIncludes: ['`socket(2) failed` (1)', '`workload secret manager` (1)'] }],
});
// With collect.sh's fd-count file of the pod (open descriptors of the container's processes, `ulimit -n`, `ulimit -H -n`):
// the finding shows how close to the limit it was. The same pod name in another namespace (a copy of the app deployed
// from the same manifests) has its own figures, which say nothing about this proxy.
const fdCount = (open, soft, hard) => `${open}\n${soft}\n${hard}\n`;
const FD_OWN = `proxies/bookinfo/${POD}/fd-count.txt`;
const FD_OTHER = `proxies/bookinfo-staging/${POD}/fd-count.txt`;
writeBundle('LOG007', 'fires-descriptor-count-of-its-pod', { [LOG]: sidecarLog(fd), [FD_OTHER]: fdCount(87, 1048576, 1048576), [FD_OWN]: fdCount(1021, 1024, 1024) }, {
  findings: [{ subject, severity: 'high', explanationIncludes: [`When the bundle was collected it had 1021 open, with a limit of 1024 (\`${FD_OWN}\`).`], explanationExcludes: ['bookinfo-staging', '87 open'],
    evidencePaths: [LOG, FD_OWN], evidenceIncludes: ['1021 open file descriptors', 'limit 1024'], evidenceExcludes: ['87 open'] }],
});
writeBundle('LOG007', 'fires-descriptor-count-only-in-other-namespace', { [LOG]: sidecarLog(fd), [FD_OTHER]: fdCount(87, 1048576, 1048576) }, {
  findings: [{ subject, severity: 'high', explanationIncludes: ['`socket(2) failed` (1)'], explanationExcludes: ['When the bundle was collected', 'bookinfo-staging'], evidenceExcludes: ['open file descriptors'] }],
});
writeBundle('LOG007', 'quiet-healthy', { [LOG]: sidecarLog([]) }, { findings: [] });

// LOG008 — sustained i/o timeouts (index id 4499896589) against istiod's routine goaway / transport-is-closing reconnects.
const sustained = xds.filter((l) => l.includes('closed since') && l.includes('i/o timeout') && l.startsWith('20'));
const routine = xds.filter((l) => /NO_ERROR|transport is closing/.test(l));
// Grouped: the findings are about the proxies' streams and readiness, every pod among the occurrences.
const streams = { kind: 'Mesh', name: 'xDS streams to istiod' };
const readinessSubject = { kind: 'Mesh', name: 'proxy readiness' };
const POD_2 = 'productpage-v1-6b746f74dc-q7wz4';
const secondProxy = (lines) => ({ [`logs/bookinfo/${POD_2}/istio-proxy.log`]: sidecarLog(lines).replaceAll(POD, POD_2).replaceAll('10.244.1.17', '10.244.1.18') });
writeBundle('LOG008', 'fires-sustained-timeouts-high', { [LOG]: sidecarLog(sustained) }, {
  findings: [{ subject: streams, severity: 'high', occurrences: [`bookinfo/${POD}`], explanationIncludes: ['`14, i/o timeout (sustained)` (2)', 'cut off from istiod'] }],
});
writeBundle('LOG008', 'fires-routine-reconnects-low', { [LOG]: sidecarLog(routine) }, {
  findings: [{ subject: streams, severity: 'low', explanationIncludes: ['istiod ending streams on purpose'] }],
});
// Two proxies, one failing and reconnecting routinely, the other failing: one high finding for both, one low for the routine part.
writeBundle('LOG008', 'fires-two-proxies-grouped', { [LOG]: sidecarLog([...sustained, ...routine]), ...secondProxy(sustained.slice(0, 1)) }, {
  findings: [
    { subject: streams, severity: 'high', occurrences: [`bookinfo/${POD}`, `bookinfo/${POD_2}`], explanationIncludes: ['2 pods logged the xDS stream to istiod closing (3 log lines', `Most affected: \`bookinfo/${POD}\` (2), \`bookinfo/${POD_2}\` (1)`] },
    { subject: streams, severity: 'low', occurrences: [`bookinfo/${POD}`], explanationExcludes: [POD_2] },
  ],
});
writeBundle('LOG008', 'quiet-healthy', { [LOG]: sidecarLog([]) }, { findings: [] });

// LOG010 — pilot-agent readiness lines of istio/istio#41793 and #13939.
writeBundle('LOG010', 'fires-config-rejected', { [LOG]: sidecarLog([readiness[3]]) }, {
  findings: [{ subject: readinessSubject, severity: 'high', explanationIncludes: ['with the reason `config received from XDS server, but was rejected`', 'a NACK: see CP008'] }],
});
writeBundle('LOG010', 'fires-config-not-received-pilot-wording', { [LOG]: sidecarLog(readiness.slice(0, 2)) }, {
  findings: [{ subject: readinessSubject, severity: 'high', explanationIncludes: ['(2 log lines', 'with the reason `config not received from Pilot (is Pilot running?)`', 'Its last such line counts 1 successful CDS and 0 successful LDS updates: it has no listeners (LDS) yet.'] }],
});
// Two proxies failing for the same reason: one finding listing both.
writeBundle('LOG010', 'fires-same-reason-two-proxies', { [LOG]: sidecarLog(readiness.slice(0, 2)), ...secondProxy(readiness.slice(0, 1)) }, {
  findings: [{ subject: readinessSubject, severity: 'high', occurrences: [`bookinfo/${POD}`, `bookinfo/${POD_2}`], explanationIncludes: ['2 pods failed their readiness check (3 log lines'] }],
});
writeBundle('LOG010', 'quiet-ready', { [LOG]: sidecarLog(readiness.slice(4)) }, { findings: [] });

// CP008 — the LDS NACK of istio/istio#50658 with the EnvoyFilter that inserts the tcp_proxy; istiod's ACK ERROR of
// solo-io/wasm#251; a stats file whose LDS rejection counter is above 0 (the MEM001 fixture's stats, counter changed).
const nack = lds[0];
// What CP008 tells to do and run, whichever of its inputs shows the rejection.
const CP008_REMEDIATION = ['Fix or remove the resource the error points to — most often an EnvoyFilter (`kubectl get envoyfilters -A`)', '`kubectl exec <pod> -n <namespace> -c istio-proxy -- pilot-agent request GET stats | grep update_rejected`'];
const ACK_ERRORS = "kubectl logs -n istio-system -l app=istiod -c discovery --tail=-1 --since=1h | grep 'ACK ERROR'";
const envoyFilter = {
  apiVersion: 'networking.istio.io/v1alpha3',
  kind: 'EnvoyFilter',
  metadata: { name: 'tcp-proxy-8443', namespace: 'bookinfo' },
  spec: {
    workloadSelector: { labels: { app: 'productpage' } },
    configPatches: [{ applyTo: 'NETWORK_FILTER', match: { context: 'SIDECAR_INBOUND', listener: { portNumber: 8443 } }, patch: { operation: 'INSERT_FIRST', value: { name: 'envoy.filters.network.tcp_proxy', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy', stat_prefix: 'tcp', cluster: 'inbound|8443||' } } } }],
  },
};
writeBundle('CP008', 'fires-listener-nack-from-envoyfilter', { [LOG]: sidecarLog([nack]), 'istio/resources/envoyfilters.json': list([envoyFilter]) }, {
  findings: [{
    subject: { kind: 'Listener', name: '0.0.0.0_8443' },
    severity: 'high',
    explanationIncludes: [`\`${POD}.bookinfo\` rejected LDS updates`, 'terminal filter named envoy.filters.network.tcp_proxy', '`bookinfo/tcp-proxy-8443` — the likely source'],
    titleIncludes: ['1 proxy rejects LDS configuration (listener 0.0.0.0_8443)'],
    commandsInclude: ['kubectl get envoyfilter tcp-proxy-8443 -n bookinfo -o yaml', 'kubectl get envoyfilters -A', ACK_ERRORS],
  }],
});
// Two NACKs in one log (the 8443 tcp_proxy one and the port-80 bind one of istio/istio#16935): each finding quotes its own line.
const nack80 = lds.find((l) => l.includes("rejected: Error adding/updating listener(s) 0.0.0.0_80: cannot bind"));
writeBundle('CP008', 'fires-two-errors-each-its-line', { [LOG]: sidecarLog([nack, nack80]) }, {
  findings: [
    { subject: { kind: 'Listener', name: '0.0.0.0_8443' }, severity: 'high', evidenceIncludes: ['0.0.0.0_8443: Error: terminal filter'], evidenceExcludes: ["cannot bind '0.0.0.0:80'"], titleIncludes: ['1 proxy rejects LDS configuration (listener 0.0.0.0_8443)'] },
    { subject: { kind: 'Listener', name: '0.0.0.0_80' }, severity: 'high', evidenceIncludes: ["cannot bind '0.0.0.0:80': Permission denied"], evidenceExcludes: ['terminal filter'], titleIncludes: ['1 proxy rejects LDS configuration (listener 0.0.0.0_80)'] },
  ],
});
writeBundle('CP008', 'fires-istiod-ack-error', { 'logs/istio-system/istiod-5d8f7c9b6-x2lqp/discovery.log': `${ack.join('\n')}\n` }, {
  findings: [{
    subject: { kind: 'Listener', name: 'virtualInbound' },
    severity: 'high',
    explanationIncludes: ['`reviews-v3-56997446d9-bp6m5.bookinfo` rejected LDS updates', 'Invalid path: /var/local/lib/wasme-cache/'],
    titleIncludes: ['1 proxy rejects LDS configuration (listener virtualInbound)'],
    remediationIncludes: CP008_REMEDIATION,
    commandsInclude: ['kubectl get envoyfilters -A', ACK_ERRORS],
  }],
});
const stats = readFileSync(join(here, 'MEM001/fires-envoy-memory-allocated/bundle/proxies/bookinfo/ratings-v1-686ccfb5d8-wq4mv/stats.txt'), 'utf8');
const rejectedStats = stats.replace('listener_manager.total_listeners_warming: 0', 'listener_manager.lds.update_rejected: 3\nlistener_manager.lds.update_success: 41\nlistener_manager.total_listeners_warming: 0');
writeBundle('CP008', 'fires-stats-counter-only', { [`proxies/bookinfo/${POD}/stats.txt`]: rejectedStats }, {
  findings: [{ subject: { kind: 'xDS', name: 'LDS' }, severity: 'high', explanationIncludes: ['only the `update_rejected` counters show it'], titleIncludes: ['1 proxy rejects LDS configuration'], remediationIncludes: CP008_REMEDIATION }],
});
// The same NACK seen only in the proxy's config dump (the istio/istio test data dump the CERT fixtures use, one
// dynamic listener added): Envoy keeps the rejected listener in `error_state`, and its `details` is the exception text
// alone (LdsApiImpl sets `details` to `e.what()`), without the `Error adding/updating listener(s) <name>: ` the log
// line puts before it. `failed_configuration` is the listener as istiod sent it, the EnvoyFilter's tcp_proxy first.
const dump = JSON.parse(readFileSync(join(here, '../fixtures/envoy/config-dump-compare.json'), 'utf8'));
const TCP_PROXY_ERROR = 'Error: terminal filter named envoy.filters.network.tcp_proxy of type envoy.filters.network.tcp_proxy must be the last filter in a network filter chain.';
dump.configs.find((c) => c['@type'] === 'type.googleapis.com/envoy.admin.v3.ListenersConfigDump').dynamic_listeners.push({
  name: '0.0.0.0_8443',
  error_state: {
    failed_configuration: {
      '@type': 'type.googleapis.com/envoy.config.listener.v3.Listener',
      name: '0.0.0.0_8443',
      address: { socket_address: { address: '0.0.0.0', port_value: 8443 } },
      filter_chains: [{
        filters: [
          envoyFilter.spec.configPatches[0].patch.value,
          { name: 'envoy.filters.network.http_connection_manager', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager', stat_prefix: 'outbound_0.0.0.0_8443', rds: { config_source: { ads: {}, initial_fetch_timeout: '0s', resource_api_version: 'V3' }, route_config_name: '8443' } } },
        ],
      }],
    },
    last_update_attempt: '2024-04-17T03:19:18.983Z',
    details: TCP_PROXY_ERROR,
  },
});
writeBundle('CP008', 'fires-config-dump-error-state', { [`proxies/bookinfo/${POD}/config_dump.json`]: `${JSON.stringify(dump, null, 2)}\n`, 'istio/resources/envoyfilters.json': list([envoyFilter]) }, {
  findings: [{
    // The dump names the listener beside the error (error_state.details holds the error alone): the subject is the listener.
    subject: { kind: 'Listener', name: '0.0.0.0_8443' },
    severity: 'high',
    evidencePointers: ['/dynamic_listeners/3/error_state'],
    evidenceIncludes: [TCP_PROXY_ERROR],
    explanationIncludes: [`\`${POD}.bookinfo\` rejected LDS updates from istiod: \`${TCP_PROXY_ERROR.replace(/\.$/, '')}\`. It keeps`, '`bookinfo/tcp-proxy-8443` — the likely source', `Seen in \`proxies/bookinfo/${POD}/config_dump.json\``],
    titleIncludes: ['1 proxy rejects LDS configuration (listener 0.0.0.0_8443)'],
    commandsInclude: ['kubectl get envoyfilter tcp-proxy-8443 -n bookinfo -o yaml'],
  }],
});
// The same NACK in the proxy's log and in its config dump: one finding, citing both.
writeBundle('CP008', 'fires-same-nack-in-log-and-config-dump', { [LOG]: sidecarLog([nack]), [`proxies/bookinfo/${POD}/config_dump.json`]: `${JSON.stringify(dump, null, 2)}\n`, 'istio/resources/envoyfilters.json': list([envoyFilter]) }, {
  findings: [{
    subject: { kind: 'Listener', name: '0.0.0.0_8443' },
    severity: 'high',
    evidencePointers: ['/dynamic_listeners/3/error_state'],
    evidenceIncludes: ['rejected: Error adding/updating listener(s) 0.0.0.0_8443: Error: terminal filter', TCP_PROXY_ERROR],
    explanationIncludes: [`Seen in \`${LOG}\`, \`proxies/bookinfo/${POD}/config_dump.json\`.`],
    titleIncludes: ['1 proxy rejects LDS configuration (listener 0.0.0.0_8443)'],
  }],
});
// EnvoyFilters in the bundle, none of them patching in what the error names (the Lua example of the Istio EnvoyFilter
// reference, on reviews): none is blamed, and the finding still says to look at them.
const luaFilter = {
  apiVersion: 'networking.istio.io/v1alpha3',
  kind: 'EnvoyFilter',
  metadata: { name: 'reviews-lua', namespace: 'bookinfo' },
  spec: {
    workloadSelector: { labels: { app: 'reviews' } },
    configPatches: [{
      applyTo: 'HTTP_FILTER',
      match: { context: 'SIDECAR_INBOUND', listener: { portNumber: 8080, filterChain: { filter: { name: 'envoy.filters.network.http_connection_manager', subFilter: { name: 'envoy.filters.http.router' } } } } },
      patch: { operation: 'INSERT_BEFORE', value: { name: 'envoy.lua', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua', inlineCode: 'function envoy_on_request(request_handle)\n  request_handle:headers():add("x-lua", "hello")\nend\n' } } },
    }],
  },
};
writeBundle('CP008', 'fires-envoyfilter-not-named-by-error', { [LOG]: sidecarLog([nack]), 'istio/resources/envoyfilters.json': list([luaFilter]) }, {
  findings: [{
    subject: { kind: 'Listener', name: '0.0.0.0_8443' },
    severity: 'high',
    explanationIncludes: ['No EnvoyFilter of the bundle contains what the error names; check them anyway (`kubectl get envoyfilters -A`).'],
    explanationExcludes: ['the likely source', 'reviews-lua'],
    commandsInclude: ['kubectl get envoyfilters -A'],
  }],
});
writeBundle('CP008', 'quiet-counters-zero', { [`proxies/bookinfo/${POD}/stats.txt`]: stats }, { findings: [] });
writeBundle('CP008', 'quiet-healthy-log', { [LOG]: sidecarLog([]) }, { findings: [] });

// LOG009 — the LOG001 fixture's UF/URX log among healthy traffic beside a log without flags (this file's healthy sidecar log, filed for details).
const uf = readFileSync(join(here, 'LOG001/fires-uf-urx-among-healthy-traffic/bundle', LOG), 'utf8');
const detailsLog = 'logs/bookinfo/details-v1-65cfcf56f9-r2l8c/istio-proxy.log';
writeBundle('LOG009', 'fires-flags-table', { [LOG]: uf, [detailsLog]: sidecarLog([]) }, {
  findings: [{ subject: { kind: 'Mesh', name: 'all proxies' }, severity: 'info', evidencePaths: [LOG], explanationIncludes: [`\`bookinfo/${POD}\``, '`URX` upstream retry limit'], explanationExcludes: ['details-v1'] }],
});
writeBundle('LOG009', 'quiet-no-flags', { [LOG]: sidecarLog([]) }, { findings: [] });

// LOG001 causes — the data-plane-503 sample's reviews-v2 sidecar log, its Services (ratings' targetPort 9090) and pods
// (ratings-v1 declares containerPort 9080); the same with the targetPort put back to 9080, and with the pods' ports taken out.
const SAMPLE = join(here, '../../samples/data-plane-503');
const reviewsLog = 'logs/bookinfo/reviews-v2-5b667bcbf8-tz6qw/istio-proxy.log';
const sampleFile = (path) => readFileSync(join(SAMPLE, path), 'utf8');
const services = JSON.parse(sampleFile('istio/resources/services.json'));
const podsList = JSON.parse(sampleFile('kubernetes/pods/bookinfo.json'));
// LOG001 groups by target: the finding is about the Service the requests fail toward.
const ratings = { kind: 'Service', namespace: 'bookinfo', name: 'ratings' };
const fixed = structuredClone(services);
fixed.items.find((s) => s.metadata.name === 'ratings').spec.ports[0].targetPort = 9080;
const undeclared = structuredClone(podsList);
for (const pod of undeclared.items) for (const c of pod.spec.containers) delete c.ports;
const dp = (servicesJson, podsJson) => ({ [reviewsLog]: sampleFile(reviewsLog), 'istio/resources/services.json': `${JSON.stringify(servicesJson, null, 4)}\n`, 'kubernetes/pods/bookinfo.json': `${JSON.stringify(podsJson, null, 4)}\n` });
writeBundle('LOG001', 'fires-target-port-mismatch-named', dp(services, podsList), {
  findings: [{ subject: ratings, severity: 'high', explanationIncludes: ['sends port 9080 to `targetPort: 9090`, but its pods (`ratings-v1-686ccfb5d8-wq4mv`) listen on 9080', 'Set `targetPort` to 9080'], evidencePointers: ['/spec/ports/0/targetPort'] }],
});
writeBundle('LOG001', 'fires-target-port-matches-no-cause', dp(fixed, podsList), {
  findings: [{ subject: ratings, severity: 'high', explanationExcludes: ['targetPort'] }],
});
// Pods that declare no ports: the port cannot be judged, so it stays among what is left to check.
writeBundle('LOG001', 'fires-ports-undeclared-no-cause', dp(services, undeclared), {
  findings: [{ subject: ratings, severity: 'high', explanationIncludes: ['left to check, in order: the Service\'s endpoints (`kubectl get endpointslices -n bookinfo -l kubernetes.io/service-name=ratings -o wide`); the Service `targetPort` against the port the container listens on'], explanationExcludes: ['The cause'] }],
});

// LOG004 at an ingress gateway — NR lines in the layout of the config-faults sample's gateway log (Istio TEXT format),
// with the authority and path of internet-scanner probes (raw IPs, /.env, /wp-login.php, …) or of the real host.
const GW = 'istio-ingressgateway-5c9f8b6d7-m4tqz';
const gwLog = `logs/istio-system/${GW}/istio-proxy.log`;
const CF = join(here, '../../samples/config-faults');
const nrTemplate = readFileSync(join(CF, gwLog), 'utf8').split('\n').find((l) => l.includes(' 404 NR route_not_found '));
const PROBES = ['/.env', '/wp-login.php', '/.git/config', '/cgi-bin/luci/;stok=/locale', '/actuator/health', '/phpmyadmin/index.php', '/boaform/admin/formLogin', '/HNAP1/', '/xmlrpc.php'];
const nr = (i, authority, path) =>
  nrTemplate
    .replace(/^\[[^\]]+\]/, `[2025-03-11T09:${String(10 + Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}.000Z]`)
    .replace(/"GET [^ ]+ HTTP\/2"/, `"GET ${path} HTTP/1.1"`)
    .replace(/"bookinfo\.example\.com"/, `"${authority}"`);
const scanner = (i) => nr(i, i % 3 === 0 ? 'bookinfo.example.com' : `203.0.113.${(i % 50) + 1}`, PROBES[i % PROBES.length]);
const real = (i) => nr(100 + i, 'bookinfo.example.com', `/api/v1/Products/${i}`);
const gwPods = readFileSync(join(CF, 'kubernetes/pods/istio-system.json'), 'utf8');
const gwBundle = (lines) => ({ [gwLog]: `${lines.join('\n')}\n`, 'kubernetes/pods/istio-system.json': gwPods });
const gateway = { kind: 'Pod', namespace: 'istio-system', name: GW };
writeBundle('LOG004', 'fires-scanner-noise-at-gateway-low', gwBundle([...Array.from({ length: 19 }, (_, i) => scanner(i)), real(0)]), {
  findings: [{ subject: gatewayDeployment, severity: 'low', explanationIncludes: ['internet scanners', '`GET 203.0.113.'] }],
});
writeBundle('LOG004', 'fires-scanner-noise-at-90-percent-low', gwBundle([...Array.from({ length: 9 }, (_, i) => scanner(i)), real(0)]), {
  findings: [{ subject: gatewayDeployment, severity: 'low', explanationIncludes: ['internet scanners'] }],
});
// 8 of 10 (below 90%): a routing fault among the noise; every request fails, so critical as usual.
writeBundle('LOG004', 'fires-scanners-among-real-misses-critical', gwBundle([...Array.from({ length: 8 }, (_, i) => scanner(i)), real(0), real(1)]), {
  findings: [{ subject: gatewayDeployment, severity: 'critical', explanationExcludes: ['internet scanners'] }],
});
writeBundle('LOG004', 'fires-scanner-paths-at-a-sidecar-critical', { [LOG]: `${Array.from({ length: 10 }, (_, i) => scanner(i)).join('\n')}\n` }, {
  findings: [{ subject: productpageDeployment, severity: 'critical', explanationExcludes: ['internet scanners'] }],
});

// Grouping by shared target — the LOG001 fixture's productpage log (2 of its 5 reviews calls UF), the same log for a
// second replica with every reviews call failing (the UF line with each request's own time), and a healthy third replica.
// A replica's log is the first one with only the pod name and IP changed.
const REVIEWS_OK = '"GET /reviews/0 HTTP/1.1" 200';
const ufLine = uf.split('\n').find((l) => l.includes('"GET /reviews/0 HTTP/1.1" 503 UF,URX'));
const replica = (text, name, ip) => text.replaceAll(POD, name).replaceAll('10.244.1.17', ip);
const allReviewsFail = (text) =>
  text
    .split('\n')
    .map((l) => (l.includes(REVIEWS_OK) ? ufLine.replace(/^\[[^\]]+\]/, l.slice(0, l.indexOf(']') + 1)) : l))
    .join('\n');
const POD_B = 'productpage-v1-6b746f74dc-q7wz4';
const POD_C = 'productpage-v1-6b746f74dc-zx9vd';
const logOf = (pod) => `logs/bookinfo/${pod}/istio-proxy.log`;
const reviews = { kind: 'Service', namespace: 'bookinfo', name: 'reviews' };
writeBundle('LOG001', 'fires-shared-target-one-finding', { [LOG]: uf, [logOf(POD_B)]: replica(allReviewsFail(uf), POD_B, '10.244.1.18'), [logOf(POD_C)]: replica(sidecarLog([]), POD_C, '10.244.1.19') }, {
  findings: [
    {
      subject: reviews,
      severity: 'high',
      occurrences: [`bookinfo/${POD_B}`, `bookinfo/${POD}`],
      explanationIncludes: [
        '2 pods failed to connect to `reviews.bookinfo.svc.cluster.local` in 7 of their 30 requests (23%), 7 of the 10 sent to it (70%)',
        `Most affected: \`bookinfo/${POD_B}\` (5), \`bookinfo/${POD}\` (2).`,
      ],
      explanationExcludes: [POD_C],
      evidencePaths: [logOf(POD_B), LOG],
    },
  ],
});

// Severity of a group: the failures against all requests of the affected pods. Two clients calling only reviews
// (the reviews calls of the log above, five each): 6 of 10 fail (above half) or 5 of 10 (half: not above).
const onlyReviews = (text) => `${text.split('\n').filter((l) => !l.startsWith('[') || l.includes('"GET /reviews/0')).join('\n')}`;
const failFirst = (text, n) => {
  let left = n;
  return text
    .split('\n')
    .map((l) => (l.includes(REVIEWS_OK) && left-- > 0 ? ufLine.replace(/^\[[^\]]+\]/, l.slice(0, l.indexOf(']') + 1)) : l))
    .join('\n');
};
const healthyReviews = onlyReviews(sidecarLog([]));
writeBundle('LOG001', 'fires-group-majority-critical', { [LOG]: failFirst(healthyReviews, 3), [logOf(POD_B)]: replica(failFirst(healthyReviews, 3), POD_B, '10.244.1.18') }, {
  findings: [{ subject: reviews, severity: 'critical', explanationIncludes: ['6 of their 10 requests (60%)', 'so the severity is raised to critical'] }],
});
writeBundle('LOG001', 'fires-group-half-stays-high', { [LOG]: failFirst(healthyReviews, 3), [logOf(POD_B)]: replica(failFirst(healthyReviews, 2), POD_B, '10.244.1.18') }, {
  findings: [{ subject: reviews, severity: 'high', explanationIncludes: ['5 of their 10 requests (50%)'], explanationExcludes: ['raised to critical'] }],
});

// One pod, two failing targets: two findings, each citing its own lines. The productpage log with its details calls
// failing too (the UF line, host and cluster changed to details').
const detailsOk = '"GET /details/0 HTTP/1.1" 200';
const detailsUf = ufLine.replace('"GET /reviews/0', '"GET /details/0').replaceAll('reviews:9080', 'details:9080').replaceAll('reviews.bookinfo', 'details.bookinfo');
const twoTargets = uf
  .split('\n')
  .map((l, i) => (l.includes(detailsOk) && i % 2 === 0 ? detailsUf.replace(/^\[[^\]]+\]/, l.slice(0, l.indexOf(']') + 1)) : l))
  .join('\n');
writeBundle('LOG001', 'fires-two-targets-apart', { [LOG]: twoTargets }, {
  findings: [
    { subject: reviews, severity: 'high', explanationIncludes: ['`outbound|9080||reviews.bookinfo.svc.cluster.local` (2)'], explanationExcludes: ['details.bookinfo'] },
    { subject: { kind: 'Service', namespace: 'bookinfo', name: 'details' }, severity: 'high', explanationIncludes: ['`outbound|9080||details.bookinfo.svc.cluster.local`'], explanationExcludes: ['reviews.bookinfo'] },
  ],
});

// No shared target: the pod's own application refuses its inbound connections (`inbound|9080||`). Its inbound
// lines with the status, flags and details Envoy writes for a refused connect (`503 UF
// upstream_reset_before_response_started{connection_failure,delayed_connect_error:_111}`, Envoy's access-log docs).
const INBOUND_OK = /"GET \/productpage HTTP\/1\.1" 200 - via_upstream - "-"/;
const inboundRefused = sidecarLog([])
  .split('\n')
  .map((l) => l.replace(INBOUND_OK, '"GET /productpage HTTP/1.1" 503 UF upstream_reset_before_response_started{connection_failure,delayed_connect_error:_111} - "delayed_connect_error:_111"'))
  .join('\n');
writeBundle('LOG001', 'fires-inbound-refused-per-pod', { [LOG]: inboundRefused }, {
  findings: [{ subject, severity: 'high', explanationIncludes: ['`inbound|9080||` (5)', 'nothing listens on that port'] }],
});

// LOG002 with no shared target: the pod's inbound cluster has no endpoint (its inbound lines with the status, flag and
// details Envoy writes for UH, `503 UH no_healthy_upstream`, Envoy's access-log docs): the finding stays on the pod.
const inboundNoHealthy = sidecarLog([])
  .split('\n')
  .map((l) => l.replace(INBOUND_OK, '"GET /productpage HTTP/1.1" 503 UH no_healthy_upstream - "-"'))
  .join('\n');
writeBundle('LOG002', 'fires-inbound-per-pod', { [LOG]: inboundNoHealthy }, {
  findings: [{ subject, severity: 'high', explanationIncludes: ['no healthy endpoint in 5 of 15 requests (33%)', '`inbound|9080||` (5)'] }],
});

// Causes from the rest of the bundle — the data-plane-503 sample's logs, Services and pods (ratings' targetPort put
// back to 9080 so the port is not the cause), with the EndpointSlices `kubectl get endpointslices -n bookinfo -o json`
// lists for them: one slice per Service in the endpointslice controller's shape (as the collector's stub cluster data),
// built from the pods the Service selects; `ready` follows the pod's Ready condition.
const endpointSlices = (podsJson, notReady = new Set()) => {
  const items = fixed.items.map((svc, n) => {
    const selected = podsJson.items.filter((p) => Object.entries(svc.spec.selector).every(([k, v]) => p.metadata.labels[k] === v));
    return {
      addressType: 'IPv4',
      apiVersion: 'discovery.k8s.io/v1',
      endpoints: selected.length === 0 ? null : selected.map((p) => {
        const ready = !notReady.has(p.metadata.name);
        return { addresses: [p.status.podIP], conditions: { ready, serving: ready, terminating: false }, nodeName: p.spec.nodeName, targetRef: { kind: 'Pod', name: p.metadata.name, namespace: 'bookinfo', uid: p.metadata.uid } };
      }),
      kind: 'EndpointSlice',
      metadata: {
        creationTimestamp: '2025-04-14T08:03:11Z',
        generateName: `${svc.metadata.name}-`,
        labels: { 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io', 'kubernetes.io/service-name': svc.metadata.name },
        name: `${svc.metadata.name}-${['x7k2p', 'q9m4d', 'r2v8n', 'h5c3w'][n % 4]}`,
        namespace: 'bookinfo',
        resourceVersion: String(48311 + n),
        uid: `7d8e9f0a-1b2c-4d3e-8f4a-5b6c7d8e9f${String(10 + n)}`,
      },
      ports: svc.spec.ports.map((p) => ({ name: p.name, port: p.targetPort, protocol: 'TCP' })),
    };
  });
  return `${JSON.stringify({ apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } }, null, 4)}\n`;
};
/** The pod with its application container crash-looping (status as the kubelet reports CrashLoopBackOff). */
const crashLooping = (podsJson, name) => {
  const out = structuredClone(podsJson);
  const pod = out.items.find((p) => p.metadata.name === name);
  for (const c of pod.status.conditions) if (c.type === 'Ready' || c.type === 'ContainersReady') c.status = 'False';
  const status = pod.status.containerStatuses.find((c) => !c.name.startsWith('istio'));
  Object.assign(status, { ready: false, started: false, restartCount: 7, lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: '2025-04-22T14:00:51Z', finishedAt: '2025-04-22T14:01:02Z', containerID: status.containerID } }, state: { waiting: { reason: 'CrashLoopBackOff', message: `back-off 5m0s restarting failed container=${status.name} pod=${name}_bookinfo(${pod.metadata.uid})` } } });
  return out;
};
const RATINGS = 'ratings-v1-686ccfb5d8-wq4mv';
const json = (value) => `${JSON.stringify(value, null, 4)}\n`;
const withSlices = (podsJson, slices) => ({ ...dp(fixed, podsJson), 'kubernetes/resources/bookinfo-endpointslices.json': slices });
writeBundle('LOG001', 'fires-no-ready-endpoint-named', withSlices(crashLooping(podsList, RATINGS), endpointSlices(podsList, new Set([RATINGS]))), {
  findings: [{ subject: ratings, severity: 'high', explanationIncludes: ['The cause: the only endpoint of Service `bookinfo/ratings` is not ready (`ratings-v1-686ccfb5d8-wq4mv`: container ratings CrashLoopBackOff, 7 restarts)'], explanationExcludes: ['left to check'], evidencePointers: ['/endpoints/0'] }],
});
const noRatingsPods = structuredClone(podsList);
noRatingsPods.items = noRatingsPods.items.filter((p) => p.metadata.name !== RATINGS);
writeBundle('LOG001', 'fires-selector-matches-no-pod', withSlices(noRatingsPods, endpointSlices(noRatingsPods)), {
  findings: [{ subject: ratings, severity: 'high', explanationIncludes: ['The cause: Service `bookinfo/ratings` has no endpoints in the bundle\'s EndpointSlices: its selector `app=ratings` matches no running pod.'], evidencePointers: ['/spec/selector'] }],
});
writeBundle('LOG001', 'fires-endpoints-ready-candidates-left', withSlices(podsList, endpointSlices(podsList)), {
  findings: [{ subject: ratings, severity: 'high', explanationIncludes: ['Kubernetes lists the only endpoint of Service `bookinfo/ratings` as ready.', 'left to check, in order: NetworkPolicies in both namespaces; TLS to the upstream'], explanationExcludes: ['The cause', 'targetPort against'] }],
});

// NetworkPolicy in front of the target — the Kubernetes documentation's `default-deny-ingress` (podSelector {}, Ingress)
// in bookinfo (https://kubernetes.io/docs/concepts/services-networking/network-policies/), as `kubectl get
// networkpolicies -o json` prints it; and a policy admitting the reviews pods to ratings on 9080.
const networkPolicy = (name, spec) => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { creationTimestamp: '2025-04-20T09:12:44Z', generation: 1, name, namespace: 'bookinfo', resourceVersion: '51207', uid: `0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e${name.length}` },
  spec,
});
const policies = (...items) => `${JSON.stringify({ apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } }, null, 4)}\n`;
const denyAll = networkPolicy('default-deny-ingress', { podSelector: {}, policyTypes: ['Ingress'] });
const admitReviews = networkPolicy('ratings-from-reviews', {
  podSelector: { matchLabels: { app: 'ratings' } },
  policyTypes: ['Ingress'],
  ingress: [{ from: [{ podSelector: { matchLabels: { app: 'reviews' } } }], ports: [{ port: 9080, protocol: 'TCP' }] }],
});
writeBundle('LOG001', 'fires-network-policy-denies', { ...withSlices(podsList, endpointSlices(podsList)), 'kubernetes/resources/bookinfo-networkpolicies.json': policies(denyAll) }, {
  findings: [{ subject: ratings, severity: 'high', explanationIncludes: ['The cause: NetworkPolicy `bookinfo/default-deny-ingress` selects the pods of `ratings.bookinfo.svc.cluster.local` (`ratings-v1-686ccfb5d8-wq4mv`) and admits no ingress from `bookinfo/reviews-v2-5b667bcbf8-tz6qw` on port 9080'], explanationExcludes: ['left to check'], evidencePointers: ['/spec'] }],
});
writeBundle('LOG001', 'fires-network-policy-admits-ruled-out', { ...withSlices(podsList, endpointSlices(podsList)), 'kubernetes/resources/bookinfo-networkpolicies.json': policies(admitReviews) }, {
  findings: [{ subject: ratings, severity: 'high', explanationIncludes: ['NetworkPolicy `bookinfo/ratings-from-reviews` admits `bookinfo/reviews-v2-5b667bcbf8-tz6qw` on port 9080 (ingress', "left to check, in order: egress NetworkPolicies in the callers' namespaces; TLS to the upstream"], explanationExcludes: ['The cause', 'NetworkPolicies in both'] }],
});

// LOG002 causes — the sample's productpage log (UH toward reviews v2) with the reviews endpoints down (every reviews
// pod crash-looping), with and without the sample's aggressive DestinationRule; and everything ready, no DestinationRule.
const productpageLog = 'logs/bookinfo/productpage-v1-54bb874995-9xq7d/istio-proxy.log';
const REVIEWS_PODS = podsList.items.filter((p) => p.metadata.labels.app === 'reviews').map((p) => p.metadata.name);
const reviewsDown = REVIEWS_PODS.reduce((pods, name) => crashLooping(pods, name), podsList);
const uhBundle = (podsJson, slices, withDr) => ({
  [productpageLog]: sampleFile(productpageLog),
  'istio/resources/services.json': json(fixed),
  'kubernetes/pods/bookinfo.json': json(podsJson),
  'kubernetes/resources/bookinfo-endpointslices.json': slices,
  ...(withDr ? { 'istio/resources/destinationrules.json': sampleFile('istio/resources/destinationrules.json') } : {}),
});
writeBundle('LOG002', 'fires-endpoints-down-before-outlier', uhBundle(reviewsDown, endpointSlices(podsList, new Set(REVIEWS_PODS)), true), {
  findings: [{ subject: reviews, severity: 'high', explanationIncludes: ['The cause: the only endpoint of Service `bookinfo/reviews` subset `v2` is not ready (`reviews-v2-5b667bcbf8-tz6qw`: container reviews CrashLoopBackOff, 7 restarts)', 'Also: DestinationRule `bookinfo/reviews` ejects'], yamlIncludes: ['consecutive5xxErrors: 50'] }],
});
writeBundle('LOG002', 'fires-endpoints-ready-so-ejected', uhBundle(podsList, endpointSlices(podsList), true), {
  findings: [{ subject: reviews, severity: 'high', explanationIncludes: ['Kubernetes lists the only endpoint of Service `bookinfo/reviews` subset `v2` as ready. So they are up, and Envoy ejected them: DestinationRule `bookinfo/reviews` ejects an endpoint after 1 consecutive 5xx'], yamlIncludes: ['consecutive5xxErrors: 50'] }],
});
writeBundle('LOG002', 'fires-no-cause-candidates-listed', uhBundle(podsList, endpointSlices(podsList), false), {
  findings: [{ subject: reviews, severity: 'high', explanationIncludes: ['Kubernetes lists all 3 endpoints of Service `bookinfo/reviews` as ready.', 'left to check, in order: outlier ejection by a DestinationRule the bundle does not hold'], explanationExcludes: ['The cause', 'endpointslices -n'] }],
});
// The subset's labels pick no pod (v2 relabelled `version: v2-canary` in the sample's DestinationRule): the subset's cluster is empty.
const relabelled = JSON.parse(sampleFile('istio/resources/destinationrules.json'));
for (const dr of relabelled.items) for (const subset of dr.spec.subsets ?? []) if (dr.metadata.name === 'reviews' && subset.name === 'v2') subset.labels = { version: 'v2-canary' };
writeBundle('LOG002', 'fires-subset-picks-no-pod', { ...uhBundle(podsList, endpointSlices(podsList), false), 'istio/resources/destinationrules.json': json(relabelled) }, {
  findings: [{ subject: reviews, severity: 'high', explanationIncludes: ['The cause: no endpoint of Service `bookinfo/reviews` is a pod of subset `v2` (labels `version=v2-canary`)'], evidencePointers: ['/labels'] }],
});

// LOG005 causes — the data-plane-503 sample's details sidecar (productpage's GETs denied, `policy[none]`), its pods and
// AuthorizationPolicies (`details-viewer` admits only the reviews service account), plus a policy for ratings that
// does not select details; the same with the policy admitting productpage but only for POST; and one denial named
// by a DENY policy (the detail value `rbac_access_denied_matched_policy[none]` changed to name it).
const detailsLogPath = 'logs/bookinfo/details-v1-65cfcf56f9-r2l8c/istio-proxy.log';
const authz = JSON.parse(sampleFile('istio/resources/authorizationpolicies.json'));
const ratingsViewer = structuredClone(authz.items[0]);
Object.assign(ratingsViewer.metadata, { name: 'ratings-viewer', uid: `${ratingsViewer.metadata.uid}`.replace(/.$/, '9') });
ratingsViewer.spec.selector.matchLabels = { app: 'ratings' };
const withRatings = { ...authz, items: [...authz.items, ratingsViewer] };
// LOG005 reports per workload: the details-v1 Deployment, its pods among the occurrences.
const details = { kind: 'Deployment', namespace: 'bookinfo', name: 'details-v1' };
const authzBundle = (policiesJson, log = sampleFile(detailsLogPath)) => ({ [detailsLogPath]: log, 'kubernetes/pods/bookinfo.json': json(podsList), 'istio/resources/authorizationpolicies.json': json(policiesJson) });
writeBundle('LOG005', 'fires-caller-not-admitted', authzBundle(withRatings), {
  findings: [{
    subject: details,
    severity: 'critical',
    explanationIncludes: [
      'AuthorizationPolicies selecting the pod: `bookinfo/details-viewer` (ALLOW).',
      'The cause: the first denied request came from `bookinfo/productpage-v1-54bb874995-9xq7d` (principal `cluster.local/ns/bookinfo/sa/bookinfo-productpage`, found by its IP 10.244.1.12), and no ALLOW policy selecting the pod admits it (`bookinfo/details-viewer` admits `cluster.local/ns/bookinfo/sa/bookinfo-reviews`)',
    ],
    explanationExcludes: ['ratings-viewer'],
    yamlIncludes: ['  - cluster.local/ns/bookinfo/sa/bookinfo-reviews\n  - cluster.local/ns/bookinfo/sa/bookinfo-productpage # the caller denied in the logs'],
    evidencePointers: ['/spec/rules'],
  }],
});
const postOnly = structuredClone(authz);
postOnly.items[0].spec.rules[0].from[0].source.principals.push('cluster.local/ns/bookinfo/sa/bookinfo-productpage');
postOnly.items[0].spec.rules[0].to[0].operation.methods = ['POST'];
writeBundle('LOG005', 'fires-caller-admitted-operation-denied', authzBundle(postOnly), {
  findings: [{ subject: details, severity: 'critical', explanationIncludes: ['Rule 0 of `bookinfo/details-viewer` admits this caller, so its `to`/`when` is what the request (`GET /details/0`) does not meet: {"to":[{"operation":{"methods":["POST"]}}]}'], explanationExcludes: ['The cause'] }],
});
const denyPolicy = {
  apiVersion: 'security.istio.io/v1',
  kind: 'AuthorizationPolicy',
  metadata: { creationTimestamp: '2025-04-21T16:40:02Z', generation: 1, name: 'deny-productpage', namespace: 'bookinfo', resourceVersion: '50911', uid: '4b0e6c2a-9d7f-4e3b-8a1c-2f5d6e7a8b90' },
  spec: { action: 'DENY', selector: { matchLabels: { app: 'details' } }, rules: [{ from: [{ source: { principals: ['cluster.local/ns/bookinfo/sa/bookinfo-productpage'] } }] }] },
};
const deniedByName = sampleFile(detailsLogPath).replaceAll('rbac_access_denied_matched_policy[none]', 'rbac_access_denied_matched_policy[ns[bookinfo]-policy[deny-productpage]-rule[0]]');
writeBundle('LOG005', 'fires-deny-rule-named', authzBundle({ ...authz, items: [denyPolicy] }, deniedByName), {
  findings: [{ subject: details, severity: 'critical', explanationIncludes: ['`bookinfo/deny-productpage` (DENY) rule 0 matched these requests: {"from":[{"source":{"principals":["cluster.local/ns/bookinfo/sa/bookinfo-productpage"]}}]}'], evidencePointers: ['/spec/rules/0'] }],
});

// CP009 — the control-plane-failure sample's healthy istiod log (its first 40 lines: pushes), with istiod's own failure
// lines written as its templates print them in Istio's zap layout (security/pkg/server/ca/server.go `CSR signing error:
// %v` with the CA's TTL error of security/pkg/pki/ca/ca.go; pilot/pkg/xds/xdsgen.go `%s: Send failure for node:%s
// resources:%d size:%s: %v`; ads.go `Timeout writing %s: %v` and `ADS: %q %s exceeded rate limit: %v`;
// pilot/pkg/leaderelection `leader election lock lost: %v`; client-go through scope klog `failed to renew lease %v: %v`).
const ISTIOD = 'istiod-7d4b9c6f8-hm2xr';
const istiodLogPath = `logs/istio-system/${ISTIOD}/discovery.log`;
// (the sample's push failures left out: they are the sample's own story)
const istiodHealthy = readFileSync(join(here, '../../samples/control-plane-failure', istiodLogPath), 'utf8').split('\n').filter((l) => !/Send failure|Timeout writing/.test(l)).slice(0, 40);
const istiodLog = (lines) => `${[...istiodHealthy.slice(0, 20), ...lines, ...istiodHealthy.slice(20)].join('\n')}\n`;
const istiodPod = { kind: 'Pod', namespace: 'istio-system', name: ISTIOD };
const csr = [
  '2025-06-03T02:06:13.201442Z\terror\tserverca\tCSR signing error: requested TTL 48h0m0s is greater than the max allowed TTL 24h0m0s',
  '2025-06-03T02:06:13.887310Z\terror\tserverca\tCSR signing error: requested TTL 48h0m0s is greater than the max allowed TTL 24h0m0s',
];
const pushFailures = [
  '2025-06-03T02:06:14.412207Z\twarn\tads\tCDS: Send failure for node:cart-5b7c9d8f6-hq2xw.shop resources:3141 size:4.2MB: rpc error: code = Unavailable desc = transport is closing',
  '2025-06-03T02:06:15.009981Z\tinfo\tads\tTimeout writing checkout-7c6d5f9b8-m4r2q.shop-31: CDS',
];
const strain = [
  '2025-06-03T02:06:16.120034Z\twarn\tads\tADS: "10.244.1.9:51234" cart-5b7c9d8f6-hq2xw.shop-13 exceeded rate limit: context canceled',
  '2025-06-03T02:06:17.540118Z\tinfo\tleader election lock lost: istio-leader',
  '2025-06-03T02:06:18.002371Z\terror\tklog\tfailed to renew lease istio-system/istio-gateway-status-leader: timed out waiting for the condition',
];
writeBundle('CP009', 'fires-ca-signing-high', { [istiodLogPath]: istiodLog(csr) }, {
  findings: [{ subject: istiodPod, severity: 'high', explanationIncludes: ['certificate signing failed: 2 lines from 2025-06-03T02:06:13.201442Z to 2025-06-03T02:06:13.887310Z — `requested TTL 48h0m0s is greater than the max allowed TTL 24h0m0s` (2)', "raise istiod's `MAX_WORKLOAD_CERT_TTL`"], evidenceIncludes: ['CSR signing error'] }],
}, { asciiExpect: true });
writeBundle('CP009', 'fires-push-failures-high', { [istiodLogPath]: istiodLog(pushFailures) }, {
  findings: [{ subject: istiodPod, severity: 'high', explanationIncludes: ['pushes not sent: 1 line', '`CDS: rpc error: code = Unavailable desc = transport is closing` (1)', 'pushes timed out: 1 line', '`CDS write timeout` (1)'] }],
});
writeBundle('CP009', 'fires-throttling-and-leases-medium', { [istiodLogPath]: istiodLog(strain) }, {
  findings: [{ subject: istiodPod, severity: 'medium', explanationIncludes: ['connections throttled: 1 line', 'leader lease lost: 2 lines', '`istio-leader` (1)', '`istio-gateway-status-leader` (1)'] }],
});
writeBundle('CP009', 'quiet-pushing-normally', { [istiodLogPath]: istiodLog([]) }, { findings: [] });
// The same words in a sidecar's log are not istiod's: the proxy log is not searched for them.
writeBundle('CP009', 'quiet-words-in-a-proxy-log', { [LOG]: sidecarLog(csr), [istiodLogPath]: istiodLog([]) }, { findings: [] });

// LOG003 causes — the LOG003 fixture's WRONG_VERSION_NUMBER toward reviews (productpage's sidecar log), the data-plane-503
// sample's Services and pods with the reviews pods' sidecars taken out (as `sidecar.istio.io/inject: "false"` leaves them),
// its reviews DestinationRule with `tls.mode: ISTIO_MUTUAL` added, and the mesh-wide STRICT PeerAuthentication of Istio's
// docs (https://istio.io/latest/docs/tasks/security/authentication/mtls-migration/); the same with the sidecars in place.
const tlsLog = readFileSync(join(here, 'LOG003/fires-wrong-version-number/bundle', LOG), 'utf8');
const noReviewsSidecar = structuredClone(podsList);
for (const p of noReviewsSidecar.items.filter((p) => p.metadata.labels.app === 'reviews')) {
  p.spec.containers = p.spec.containers.filter((c) => c.name !== 'istio-proxy');
  p.spec.initContainers = (p.spec.initContainers ?? []).filter((c) => c.name !== 'istio-init' && c.name !== 'istio-proxy');
  p.status.containerStatuses = p.status.containerStatuses.filter((c) => c.name !== 'istio-proxy');
  delete p.metadata.labels['security.istio.io/tlsMode'];
}
const mutualDr = JSON.parse(sampleFile('istio/resources/destinationrules.json'));
const reviewsDr = mutualDr.items.find((d) => d.metadata.name === 'reviews');
reviewsDr.spec.trafficPolicy = { ...(reviewsDr.spec.trafficPolicy ?? {}), tls: { mode: 'ISTIO_MUTUAL' } };
const strictMesh = {
  apiVersion: 'v1',
  items: [{ apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { creationTimestamp: '2025-04-10T12:00:00Z', generation: 1, name: 'default', namespace: 'istio-system', resourceVersion: '40211', uid: '1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b' }, spec: { mtls: { mode: 'STRICT' } } }],
  kind: 'List',
  metadata: { resourceVersion: '' },
};
const tlsBundle = (podsJson) => ({ [LOG]: tlsLog, 'istio/resources/services.json': json(fixed), 'kubernetes/pods/bookinfo.json': json(podsJson), 'istio/resources/destinationrules.json': json(mutualDr), 'istio/resources/peerauthentications.json': json(strictMesh) });
writeBundle('LOG003', 'fires-mtls-toward-pods-without-sidecar', tlsBundle(noReviewsSidecar), {
  findings: [{
    subject: productpageDeployment,
    severity: 'high',
    explanationIncludes: ['The cause: DestinationRule `bookinfo/reviews` sets `tls.mode: ISTIO_MUTUAL` toward `reviews.bookinfo.svc.cluster.local`, but its pods (`reviews-v1-5b5d6494f4-8fwlm`, `reviews-v2-5b667bcbf8-tz6qw`, `reviews-v3-5b9bd44f4-2hj7n`) run no sidecar'],
    // the failures are outbound: the pod's own inbound PeerAuthentication is beside the point
    explanationExcludes: ['inbound mTLS'],
    yamlIncludes: ['# DestinationRule bookinfo/reviews: spec.trafficPolicy.tls.mode\nmode: DISABLE # was ISTIO_MUTUAL'],
    evidencePointers: ['/spec/trafficPolicy/tls/mode'],
  }],
});
writeBundle('LOG003', 'fires-wrong-version-sidecars-present-no-cause', tlsBundle(podsList), {
  findings: [{ subject: productpageDeployment, severity: 'high', explanationExcludes: ['The cause'] }],
});
// The rule forces ISTIO_MUTUAL, but its port-level setting for 9080 disables TLS: not the cause.
const portDisabled = structuredClone(mutualDr);
portDisabled.items.find((d) => d.metadata.name === 'reviews').spec.trafficPolicy.portLevelSettings = [{ port: { number: 9080 }, tls: { mode: 'DISABLE' } }];
writeBundle('LOG003', 'fires-port-level-disable-no-cause', { ...tlsBundle(noReviewsSidecar), 'istio/resources/destinationrules.json': json(portDisabled) }, {
  findings: [{ subject: productpageDeployment, severity: 'high', explanationExcludes: ['The cause'] }],
});
// A sidecar that cannot get its certificate (the LOG003 fixture's warm failure): its own inbound mTLS mode is given.
const WARM_LOG = 'logs/istioaddontest-18/nginx/istio-proxy.log';
const warmLog = readFileSync(join(here, 'LOG003/fires-certificate-warm-failure/bundle', WARM_LOG), 'utf8');
writeBundle('LOG003', 'fires-inbound-side-with-peer-authentication', { [WARM_LOG]: warmLog, 'istio/resources/peerauthentications.json': json(strictMesh) }, {
  findings: [{ subject: { kind: 'Pod', namespace: 'istioaddontest-18', name: 'nginx' }, severity: 'high', explanationIncludes: ["This pod's inbound mTLS is STRICT, set by `istio-system/default`; PeerAuthentications that apply, the most specific last: `istio-system/default` (mesh, STRICT)."] }],
});

// Severity by impact: a failure rare in plenty of traffic is medium. The productpage sidecar's healthy access lines,
// repeated to 1,000 (or 999) requests, with the UF line toward reviews (or the refused inbound line) for some of them.
const HEALTHY_ACCESS = sidecarLog([]).split('\n').filter((l) => l.startsWith('['));
const volumeLog = (failing, total, failLine) =>
  `${[...START, ...Array.from({ length: failing }, () => failLine), ...Array.from({ length: total - failing }, (_, i) => HEALTHY_ACCESS[i % HEALTHY_ACCESS.length])].join('\n')}\n`;
const inboundUf = inboundRefused.split('\n').find((l) => l.includes(' 503 UF '));
writeBundle('LOG001', 'fires-rare-in-much-traffic-medium', { [LOG]: volumeLog(9, 1000, ufLine) }, {
  findings: [{ subject: reviews, severity: 'medium', explanationIncludes: ['in 9 of its 1000 requests (0.9%)', 'so the severity is lowered to medium'] }],
});
writeBundle('LOG001', 'fires-one-percent-stays-high', { [LOG]: volumeLog(10, 1000, ufLine) }, {
  findings: [{ subject: reviews, severity: 'high', explanationExcludes: ['lowered to medium'] }],
});
writeBundle('LOG001', 'fires-rare-under-1000-requests-high', { [LOG]: volumeLog(9, 999, ufLine) }, {
  findings: [{ subject: reviews, severity: 'high', explanationExcludes: ['lowered to medium'] }],
});
writeBundle('LOG001', 'fires-inbound-rare-per-pod-medium', { [LOG]: volumeLog(9, 1000, inboundUf) }, {
  findings: [{ subject, severity: 'medium', explanationIncludes: ['9 of 1000 requests (0.9%)', 'lowered to medium'] }],
});

// Review follow-ups: what must not be called a cause.
// Outlier detection: consecutive5xxErrors 0 disables that detector (the gateway one at 1 still ejects); the
// default maxEjectionPercent (10%) ejects but cannot empty the pool by itself.
const drWith = (outlierDetection) => {
  const out = JSON.parse(sampleFile('istio/resources/destinationrules.json'));
  out.items.find((d) => d.metadata.name === 'reviews').spec.trafficPolicy.outlierDetection = outlierDetection;
  return out;
};
const uhWithDr = (dr) => ({ ...uhBundle(podsList, endpointSlices(podsList), false), 'istio/resources/destinationrules.json': json(dr) });
writeBundle('LOG002', 'fires-gateway-errors-threshold-counts', uhWithDr(drWith({ consecutive5xxErrors: 0, consecutiveGatewayErrors: 1, interval: '10s', baseEjectionTime: '3m', maxEjectionPercent: 100 })), {
  findings: [{ subject: reviews, severity: 'high', explanationIncludes: ['ejects an endpoint after 1 consecutive gateway error (`consecutiveGatewayErrors: 1`: a 502, 503 or 504, or a failed connection) for 3m, up to 100% of endpoints: a handful of errors empties the pool'] }],
});
writeBundle('LOG002', 'fires-detector-disabled-not-aggressive', uhWithDr(drWith({ consecutive5xxErrors: 0, interval: '10s', baseEjectionTime: '3m' })), {
  findings: [{ subject: reviews, severity: 'high', explanationExcludes: ['ejects an endpoint'] }],
});
writeBundle('LOG002', 'fires-default-max-ejection-cannot-empty', uhWithDr(drWith({ consecutive5xxErrors: 1, interval: '10s', baseEjectionTime: '3m' })), {
  findings: [{ subject: reviews, severity: 'high', explanationIncludes: ['up to 10% of endpoints (the default): a handful of errors ejects endpoints, though not all at once'], explanationExcludes: ['Envoy ejected them'] }],
});
// The subset's endpoints whose pods the bundle does not hold cannot be placed in or out of the subset: no claim.
writeBundle('LOG002', 'fires-subset-pods-not-collected-no-claim', { [productpageLog]: sampleFile(productpageLog), 'istio/resources/services.json': json(fixed), 'kubernetes/resources/bookinfo-endpointslices.json': endpointSlices(podsList), 'istio/resources/destinationrules.json': json(relabelled) }, {
  findings: [{ subject: reviews, severity: 'high', explanationExcludes: ['The cause', 'is a pod of subset'] }],
});
// LOG005: the denied caller runs no sidecar (productpage with its istio-proxy taken out): it has no identity to admit.
const productpageNoSidecar = structuredClone(podsList);
const pp = productpageNoSidecar.items.find((p) => p.metadata.labels.app === 'productpage');
pp.spec.containers = pp.spec.containers.filter((c) => c.name !== 'istio-proxy');
pp.status.containerStatuses = pp.status.containerStatuses.filter((c) => c.name !== 'istio-proxy');
writeBundle('LOG005', 'fires-caller-without-sidecar', { ...authzBundle(authz), 'kubernetes/pods/bookinfo.json': json(productpageNoSidecar) }, {
  findings: [{ subject: details, severity: 'critical', explanationIncludes: ['The cause: the first denied request came from `bookinfo/productpage-v1-54bb874995-9xq7d` (found by its IP 10.244.1.12), which runs no sidecar: it presents no mTLS identity'], explanationExcludes: ['principal `'] }],
});
// LOG001: two callers of ratings, one admitted by the policy and one not: a candidate, not the cause.
const reviewsV3Log = 'logs/bookinfo/reviews-v3-5b9bd44f4-2hj7n/istio-proxy.log';
const v3Failing = sampleFile(reviewsLog).replaceAll('reviews-v2-5b667bcbf8-tz6qw', 'reviews-v3-5b9bd44f4-2hj7n').replaceAll('10.244.2.16', '10.244.1.17');
const admitV2Only = networkPolicy('ratings-from-reviews-v2', {
  podSelector: { matchLabels: { app: 'ratings' } },
  policyTypes: ['Ingress'],
  ingress: [{ from: [{ podSelector: { matchLabels: { app: 'reviews', version: 'v2' } } }], ports: [{ port: 9080, protocol: 'TCP' }] }],
});
writeBundle('LOG001', 'fires-network-policy-denies-one-caller-of-two', { ...withSlices(podsList, endpointSlices(podsList)), [reviewsV3Log]: v3Failing, 'kubernetes/resources/bookinfo-networkpolicies.json': policies(admitV2Only) }, {
  findings: [{ subject: ratings, severity: 'high', explanationIncludes: ['NetworkPolicy `bookinfo/ratings-from-reviews-v2` selects the pods of `ratings.bookinfo.svc.cluster.local` (`ratings-v1-686ccfb5d8-wq4mv`) and admits no ingress from `bookinfo/reviews-v3-5b9bd44f4-2hj7n` on port 9080 (but admits 1 of the other callers)'], explanationExcludes: ['The cause'] }],
});
// Rare in the pod's traffic, but every call to reviews fails (its healthy reviews calls left out): not lowered.
const volumeLogWithout = (failing, total, failLine, without) => {
  const healthy = HEALTHY_ACCESS.filter((l) => !l.includes(without));
  return `${[...START, ...Array.from({ length: failing }, () => failLine), ...Array.from({ length: total - failing }, (_, i) => healthy[i % healthy.length])].join('\n')}\n`;
};
writeBundle('LOG001', 'fires-rare-overall-target-all-failing-high', { [LOG]: volumeLogWithout(9, 1000, ufLine, 'GET /reviews/0') }, {
  findings: [{ subject: reviews, severity: 'high', explanationIncludes: ['in 9 of its 1000 requests (0.9%), 9 of the 9 sent to it (100%)'], explanationExcludes: ['lowered to medium'] }],
});

// Two replicas of details denying the same caller: one finding for the Deployment, both pods in it.
const DETAILS_2 = 'details-v1-65cfcf56f9-x8v2k';
const details2Pods = structuredClone(podsList);
const details2 = structuredClone(details2Pods.items.find((p) => p.metadata.name === 'details-v1-65cfcf56f9-r2l8c'));
details2.metadata.name = DETAILS_2;
details2.status.podIP = '10.244.2.19';
details2Pods.items.push(details2);
writeBundle('LOG005', 'fires-replicas-one-finding', { ...authzBundle(authz), 'kubernetes/pods/bookinfo.json': json(details2Pods), [`logs/bookinfo/${DETAILS_2}/istio-proxy.log`]: sampleFile(detailsLogPath).replaceAll('details-v1-65cfcf56f9-r2l8c', DETAILS_2).replaceAll('10.244.2.14', '10.244.2.19') }, {
  findings: [{ subject: details, severity: 'critical', occurrences: ['bookinfo/details-v1-65cfcf56f9-r2l8c', `bookinfo/${DETAILS_2}`], explanationIncludes: ['2 pods denied 28 of their 44 requests (64%) with `RBAC: access denied`', 'The cause: the first denied request came from `bookinfo/productpage-v1-54bb874995-9xq7d`'] }],
});
// Two replicas of the ingress gateway with the same scanner noise: one low finding for the Deployment, both pods in it
// (the second replica's log only, its pod not in the listing: its name's shape ties it to the Deployment).
const GW_2 = 'istio-ingressgateway-5c9f8b6d7-q2w8n';
const scannerLines = Array.from({ length: 19 }, (_, i) => scanner(i));
writeBundle('LOG004', 'fires-gateway-replicas-one-finding', { ...gwBundle([...scannerLines, real(0)]), [`logs/istio-system/${GW_2}/istio-proxy.log`]: `${scannerLines.slice(0, 10).join('\n')}\n` }, {
  findings: [{ subject: gatewayDeployment, severity: 'low', occurrences: [`istio-system/${GW}`, `istio-system/${GW_2}`], explanationIncludes: ['2 pods answered 404 "no route" to 30 of their 30 requests (100%)', 'internet scanners'] }],
});

// ---- Fixtures for branches a mutation sample found untested (src/rules seed 3): they read fixtures written above.

// In a block of their own: their names would clash with the sections above.
{
  // LOG003 — the WRONG_VERSION_NUMBER log toward reviews (outbound) with the SDS stream close of the certificate-warm-failure
  // fixture (x509 unknown authority: not outbound) put after the start-up, its time moved into this log's; STRICT mesh-wide.
  const tlsLog = readFileSync(join(here, 'LOG003/fires-wrong-version-number/bundle', LOG), 'utf8').trimEnd().split('\n');
  const warm = readFileSync(join(here, 'LOG003/fires-certificate-warm-failure/bundle/logs/istioaddontest-18/nginx/istio-proxy.log'), 'utf8').split('\n');
  const sdsClose = warm.find((l) => l.includes('StreamSecrets gRPC config stream to sds-grpc closed')).replace(/^\S+/, '2024-11-05T09:37:12.404518Z');
  const at = tlsLog.findIndex((l) => l.startsWith('['));
  const mixed = [...tlsLog.slice(0, at), sdsClose, ...tlsLog.slice(at)];
  const strictMesh = readFileSync(join(here, 'LOG003/fires-inbound-side-with-peer-authentication/bundle/istio/resources/peerauthentications.json'), 'utf8');
  writeBundle('LOG003', 'fires-outbound-and-own-certificate-failures', { [LOG]: `${mixed.join('\n')}\n`, 'istio/resources/peerauthentications.json': strictMesh }, {
    findings: [{
      subject: productpageDeployment,
      severity: 'high',
      // one failure is not outbound (the proxy's own SDS stream): the pod's inbound mode is given beside the outbound one
      explanationIncludes: ['`268435703:SSL routines:OPENSSL_internal:WRONG_VERSION_NUMBER:TLS_error_end` (2), `x509: certificate` (1)', "This pod's inbound mTLS is STRICT, set by `istio-system/default`"],
    }],
  });

  // LOG004 — the ingress gateway run as a DaemonSet (the gateway chart's `kind: DaemonSet`): two pods named `<ds>-<5>`, owned
  // by DaemonSet istio-ingressgateway, beside an egress gateway Deployment's pod that kubectl lists first; the scanner logs
  // of fires-gateway-replicas-one-finding with the pods' names and IPs.
  const gwDir = join(here, 'LOG004/fires-gateway-replicas-one-finding/bundle');
  const gwPods = JSON.parse(readFileSync(join(gwDir, 'kubernetes/pods/istio-system.json'), 'utf8'));
  const [gwTemplate, istiod] = gwPods.items;
  const OLD_GW = ['istio-ingressgateway-5c9f8b6d7-m4tqz', 'istio-ingressgateway-5c9f8b6d7-q2w8n'];
  const DS = [
    { name: 'istio-ingressgateway-7xq4p', ip: '10.244.0.11', node: 'gke-shop-prod-eu1-pool-1-3f2a9c1d-w7tn', hostIP: '10.132.0.20', uid: '4c0b8d5e-2f71-4a36-9e0d-6a1f3b7c9d21' },
    { name: 'istio-ingressgateway-k9w2d', ip: '10.244.1.12', node: 'gke-shop-prod-eu1-pool-1-3f2a9c1d-m2xk', hostIP: '10.132.0.21', uid: '9e7d1a3b-5c24-4f8e-b6a0-2d9c4e1f7a53' },
  ];
  const dsPod = ({ name, ip, node, hostIP, uid }) => {
    const p = structuredClone(gwTemplate);
    p.metadata.name = name;
    p.metadata.uid = uid;
    p.metadata.generateName = 'istio-ingressgateway-';
    const { ['pod-template-hash']: _h, ...labels } = p.metadata.labels;
    p.metadata.labels = { ...labels, 'controller-revision-hash': '6d8f9b7c5', 'pod-template-generation': '1' };
    p.metadata.ownerReferences = [{ apiVersion: 'apps/v1', blockOwnerDeletion: true, controller: true, kind: 'DaemonSet', name: 'istio-ingressgateway', uid: '7a2e4c91-0b3d-4e6f-8a15-c3d92f60b7e4' }];
    p.spec.nodeName = node;
    // a DaemonSet pod is bound to its node by affinity (the DaemonSet controller's scheduling)
    p.spec.affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [node] }] }] } } };
    p.spec.tolerations = [
      { effect: 'NoExecute', key: 'node.kubernetes.io/not-ready', operator: 'Exists' },
      { effect: 'NoExecute', key: 'node.kubernetes.io/unreachable', operator: 'Exists' },
      { effect: 'NoSchedule', key: 'node.kubernetes.io/disk-pressure', operator: 'Exists' },
      { effect: 'NoSchedule', key: 'node.kubernetes.io/memory-pressure', operator: 'Exists' },
      { effect: 'NoSchedule', key: 'node.kubernetes.io/pid-pressure', operator: 'Exists' },
      { effect: 'NoSchedule', key: 'node.kubernetes.io/unschedulable', operator: 'Exists' },
    ];
    p.status.podIP = ip; p.status.podIPs = [{ ip }];
    p.status.hostIP = hostIP; p.status.hostIPs = [{ ip: hostIP }];
    return p;
  };
  const egress = JSON.parse(JSON.stringify(gwTemplate).replaceAll('istio-ingressgateway-5c9f8b6d7', 'istio-egressgateway-7f8d9c6b5').replaceAll('istio-ingressgateway', 'istio-egressgateway').replaceAll('ingressgateway', 'egressgateway').replaceAll('5c9f8b6d7', '7f8d9c6b5'));
  egress.metadata.name = 'istio-egressgateway-7f8d9c6b5-w9t4z';
  egress.metadata.uid = '3b5f7d9e-1a2c-4e6b-8d0f-5a7c9e1b3d6f';
  egress.metadata.ownerReferences[0].uid = 'e1c3a5b7-9d2f-4b6e-8a0c-7e9f1b3d5a2c';
  egress.status.podIP = '10.244.2.9'; egress.status.podIPs = [{ ip: '10.244.2.9' }];
  const dsLogs = Object.fromEntries(OLD_GW.map((old, i) => [`logs/istio-system/${DS[i].name}/istio-proxy.log`, readFileSync(join(gwDir, `logs/istio-system/${old}/istio-proxy.log`), 'utf8').replaceAll('10.244.0.11', DS[i].ip)]));
  writeBundle('LOG004', 'fires-daemonset-gateway-one-finding', { ...dsLogs, 'kubernetes/pods/istio-system.json': kubectlList([egress, ...DS.map(dsPod), istiod]) }, {
    findings: [{
      subject: { kind: 'DaemonSet', namespace: 'istio-system', name: 'istio-ingressgateway' },
      severity: 'low',
      occurrences: DS.map((d) => `istio-system/${d.name}`),
      titleIncludes: ['2 pods of DaemonSet istio-ingressgateway'],
      explanationIncludes: ['2 pods answered 404 "no route" to 30 of their 30 requests (100%)'],
    }],
  });

  // LOG008 — LOG002's legacy (Envoy 2019) log: a failing close without `closed since …`, so not sustained.
  const legacyDir = join(here, 'LOG002/quiet-xds-stream-no-healthy-upstream-legacy/bundle');
  writeBundle('LOG008', 'fires-failing-close-not-sustained', { [LOG]: readFileSync(join(legacyDir, LOG), 'utf8') }, {
    findings: [{ subject: { kind: 'Mesh', name: 'xDS streams to istiod' }, severity: 'high', explanationIncludes: ['`14, no healthy upstream`', 'Until the stream is back a proxy receives no configuration'], explanationExcludes: ['lasting', 'cut off from istiod', 'sustained'] }],
  });

  // LOG009 — 19, 20 and 21 replicas of productpage, each with the LOG001 fixture's UF/URX log (pod name and IP changed): the table lists 20.
  const uf = readFileSync(join(here, 'LOG001/fires-uf-urx-among-healthy-traffic/bundle', LOG), 'utf8');
  const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
  const suffix = (i) => [3, 7, 11, 17, 23].map((k, j) => ALPHABET[(i * k + j * 5 + 1) % ALPHABET.length]).join('');
  const replicas = (n) => Array.from({ length: n }, (_, i) => ({ name: i === 0 ? POD : `productpage-v1-6b746f74dc-${suffix(i)}`, ip: `10.244.${1 + (i % 3)}.${17 + i}` }));
  const logsOf = (n) => Object.fromEntries(replicas(n).map(({ name, ip }) => [`logs/bookinfo/${name}/istio-proxy.log`, uf.replaceAll(POD, name).replaceAll('10.244.1.17', ip)]));
  const mesh = { kind: 'Mesh', name: 'all proxies' };
  for (const n of [19, 20, 21]) {
    const names = replicas(n).map((r) => r.name);
    const sorted = [...names].sort();
    const listed = sorted.slice(0, 20);
    writeBundle('LOG009', `fires-${n}-logs-${n > 20 ? 'one-counted' : 'all-listed'}`, logsOf(n), {
      findings: [{
        subject: mesh,
        severity: 'info',
        titleIncludes: [`response flags in ${n} access logs: UF, URX`],
        evidencePaths: listed.map((name) => `logs/bookinfo/${name}/istio-proxy.log`),
        explanationIncludes: listed.map((name) => `\`bookinfo/${name}\``).concat(n > 20 ? ['; and 1 more. '] : []),
        explanationExcludes: n > 20 ? [`\`bookinfo/${sorted[20]}\``] : ['more'],
      }],
    });
  }

  // signature-findings podCommands — the sustained-timeouts log handed over as a bare file: no pod in the bundle ties to it,
  // so its commands find the pod by the IP of its access lines instead of passing a file name to istioctl.
  writeBundle('LOG008', 'fires-log-tied-to-no-pod', { 'istio-proxy.log': readFileSync(join(here, 'LOG008/fires-sustained-timeouts-high/bundle', LOG), 'utf8') }, {
    findings: [{
      subject: { kind: 'Mesh', name: 'xDS streams to istiod' },
      severity: 'high',
      occurrences: ['/istio-proxy.log'],
      titleIncludes: ['the log istio-proxy.log loses its xDS stream to istiod'],
      commandsInclude: ['kubectl get pods -A -o wide --field-selector status.podIP=10.244.1.17'],
    }],
  });
}

// LOG002, UH on both sides of one pod: its inbound cluster (the inbound lines of fires-inbound-per-pod) and outbound TCP
// connections to an external HTTPS host that `outboundTrafficPolicy: REGISTRY_ONLY` sends to BlackHoleCluster (the
// line Envoy writes for them, `"- - -" 0 UH … BlackHoleCluster`, as istio.io's egress task and many reports show it).
// Neither names a shared target: one finding on the pod, which says what the inbound rows mean.
const blackHole = ['09:37:52.118', '09:37:55.604', '09:37:58.940'].map((t, i) => `[2024-11-05T${t}Z] "- - -" 0 UH - - "-" 0 0 0 - "-" "-" "-" "-" "-" BlackHoleCluster - 52.85.132.19:443 10.244.1.17:${43216 + 2 * i} - -`);
const withBlackHole = (log) => log.replace(`\n${ACCESS[0]}`, `\n${blackHole.join('\n')}\n${ACCESS[0]}`);
writeBundle('LOG002', 'fires-inbound-and-blackhole-per-pod', { [LOG]: withBlackHole(inboundNoHealthy) }, {
  findings: [{
    subject,
    severity: 'high',
    explanationIncludes: ['`inbound|9080||` (5)', '`BlackHoleCluster` (3)', 'Inbound (`inbound|<port>||`) means the sidecar found its own application unfit to take requests'],
    remediationIncludes: ["Look at this pod's application container", 'Register the destination the application calls with a ServiceEntry'],
    commandsInclude: [`kubectl describe pod ${POD} -n bookinfo`, 'kubectl get sidecars,serviceentries -A'],
  }],
});
// Only the BlackHoleCluster connections: nothing about the pod's own application.
writeBundle('LOG002', 'fires-blackhole-only-per-pod', { [LOG]: withBlackHole(sidecarLog([])) }, {
  // BlackHoleCluster UH is REGISTRY_ONLY refusing an unknown destination (52.85.132.19:443 here), not an ejected endpoint:
  // the finding says so, and gives the ServiceEntry / ALLOW_ANY fix instead of the outlier-detection advice.
  findings: [{
    subject,
    severity: 'high',
    explanationIncludes: ['`BlackHoleCluster` (3)', 'while `outboundTrafficPolicy.mode` is `REGISTRY_ONLY`', 'outlier detection and the endpoints of Services have nothing to do with it'],
    explanationExcludes: ['inbound|', 'its own application'],
    evidenceIncludes: ['BlackHoleCluster - 52.85.132.19:443'],
    remediationIncludes: ['Register the destination the application calls with a ServiceEntry', 'set `outboundTrafficPolicy.mode: ALLOW_ANY`'],
    commandsInclude: [`istioctl proxy-config endpoint ${POD} -n bookinfo`, "kubectl get configmap istio -n istio-system -o jsonpath='{.data.mesh}' | grep -A1 outboundTrafficPolicy"],
  }],
});

// LOG009 — Envoy's IH: an EnvoyFilter turned on the router's `strict_check_headers` for `x-envoy-upstream-rq-timeout-ms`, and
// productpage sends `x-envoy-upstream-rq-timeout-ms: 2s` (a duration, where Envoy wants milliseconds): Envoy answers 400 with
// flag IH and details `request_headers_failed_strict_check{<header>}`, its local reply body `invalid header '<header>' with
// value 2s` (Envoy's router and its tests). Two of the reviews calls of the healthy log are those.
const IH_BODY = "invalid header 'x-envoy-upstream-rq-timeout-ms' with value 2s";
const REVIEWS_200 = /"GET \/reviews\/0 HTTP\/1\.1" 200 - via_upstream - "-" 0 358 (\d+) \d+ ("[^"]*" "[^"]*" "[^"]*" "reviews:9080") "[^"]*" (outbound\|9080\|\|reviews\.bookinfo\.svc\.cluster\.local) \S+ (\S+ \S+) - default/;
let strictLeft = 2;
const strictHeader = sidecarLog([])
  .split('\n')
  .map((l) => (REVIEWS_200.test(l) && strictLeft-- > 0 ? l.replace(REVIEWS_200, `"GET /reviews/0 HTTP/1.1" 400 IH request_headers_failed_strict_check{x-envoy-upstream-rq-timeout-ms} - "-" 0 ${IH_BODY.length} 0 - $2 "-" $3 - $4 - default`) : l))
  .join('\n');
writeBundle('LOG009', 'fires-strict-header-check', { [LOG]: strictHeader }, {
  findings: [{
    subject: { kind: 'Mesh', name: 'all proxies' },
    severity: 'info',
    titleIncludes: ['response flags in 1 access log: IH'],
    evidenceIncludes: ['IH=2 of 15 requests'],
    explanationIncludes: [`\`bookinfo/${POD}\`: 15 requests, 0% 5xx — IH 2`, '`IH` invalid value for a strictly checked header'],
  }],
});
