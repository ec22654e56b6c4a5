/**
 * Logs as customers send them: `kubectl logs --timestamps` / `--prefix`, CRLF, tabs pasted as
 * spaces, arbitrary file names, and files that are not logs at all.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { splitKubectlPrefix, withoutKubectlPrefixes } from '../../src/artifacts/logs/kubectl-prefix.js';
import { istioVersion, proxyIdentity } from '../../src/artifacts/logs/proxy-identity.js';
import { LogScanner } from '../../src/artifacts/logs/scanner.js';
import { sniffProxyLog } from '../../src/artifacts/logs/kinds.js';
import { analyzeBundle } from '../../src/pipeline.js';
import { tempDir, writeTree } from '../bundle/helpers.js';
import { fixture } from './helpers.js';

const UH = fixture('istio-proxy-access-text.log').split('\n')[0]!.replace('" 418 ', '" 503 UH no_healthy_upstream ').replace(/ - via_upstream/, '');
const SLEEP_LOG = readFileSync(new URL('../rules/LOG002/fires-majority-critical/bundle/logs/default/sleep-9454cc476-qv8fz/istio-proxy.log', import.meta.url), 'utf8');

/** Real pilot-agent start-up lines (a public troubleshooting paste, Istio 1.28.2, petclinic). */
const ROLE_LINE = '2026-01-04T07:20:36.511831Z\tinfo\tProxy role\tips=[10.244.0.38] type=sidecar id=customers-service-77c4bdbcb4-g55hd.petclinic domain=petclinic.svc.cluster.local';
const VERSION_LINE = '2026-01-04T07:20:36.503389Z\tinfo\tVersion 1.28.2-ab413ac6c1f40b2f7c69d97e0db4e712e4ef1ecc-Clean';
/** Istio ≤ 1.7 printed the whole model.Proxy (Istio's bug-report testdata, ingress.log). */
const OLD_ROLE_LINE =
  '2020-06-29T23:37:27.287949Z\tinfo\tProxy role: &model.Proxy{ClusterID:"", Type:"router", IPAddresses:[]string{"10.36.1.5"}, ID:"istio-ingressgateway-5855454469-5h8dq.istio-system", Locality:(*envoy_api_v2_core.Locality)(nil), DNSDomain:"istio-system.svc.cluster.local"}';

describe('splitKubectlPrefix', () => {
  it('takes off --timestamps before an access line, a JSON line or an Istio line', () => {
    expect(splitKubectlPrefix(`2025-04-22T14:08:00.000000000Z ${UH}`)).toEqual({ text: UH, time: '2025-04-22T14:08:00.000000000Z' });
    expect(splitKubectlPrefix('2025-04-22T14:08:00.5Z {"response_code":503}')).toEqual({ text: '{"response_code":503}', time: '2025-04-22T14:08:00.5Z' });
    expect(splitKubectlPrefix(`2026-01-04T07:20:36.511900123Z ${ROLE_LINE}`).text).toBe(ROLE_LINE);
  });

  it('takes off --prefix, alone and before --timestamps, with the pod and container', () => {
    expect(splitKubectlPrefix(`[pod/productpage-v1-675fc69cf-v2kqw/istio-proxy] ${UH}`)).toEqual({ text: UH, pod: 'productpage-v1-675fc69cf-v2kqw', container: 'istio-proxy' });
    expect(splitKubectlPrefix(`[pod/ratings-v1-5c8c4b8f4-7q9xz/istio-proxy] 2025-04-22T14:08:00.000000000Z ${ROLE_LINE}`)).toEqual({
      text: ROLE_LINE,
      time: '2025-04-22T14:08:00.000000000Z',
      pod: 'ratings-v1-5c8c4b8f4-7q9xz',
      container: 'istio-proxy',
    });
  });

  it('leaves the container\'s own timestamp and level alone (tabs or pasted spaces)', () => {
    expect(splitKubectlPrefix(ROLE_LINE)).toEqual({ text: ROLE_LINE });
    const pasted = '2026-01-04T07:20:36.511831Z info Proxy role ips=[10.244.0.38]';
    expect(splitKubectlPrefix(pasted)).toEqual({ text: pasted });
    expect(splitKubectlPrefix(UH)).toEqual({ text: UH });
    expect(splitKubectlPrefix('[pod/x] not a prefix')).toEqual({ text: '[pod/x] not a prefix' });
  });

  it('sniffing sees through the prefixes: a timestamped access log with any name is a proxy log', () => {
    const head = [UH, UH].map((l) => `[pod/a-7d4b9c8f6-x2x9z/istio-proxy] 2025-04-22T14:08:00.000000000Z ${l}`).join('\n');
    expect(sniffProxyLog(UH)).toBe(true);
    expect(sniffProxyLog(head)).toBe(true);
    expect(withoutKubectlPrefixes(head)).toBe(`${UH}\n${UH}`);
  });
});

describe('proxy identity and version from pilot-agent start-up lines', () => {
  it('reads `Proxy role … id=<pod>.<namespace>` in both eras, and with tabs pasted as spaces', () => {
    expect(proxyIdentity(ROLE_LINE)).toEqual({ pod: 'customers-service-77c4bdbcb4-g55hd', namespace: 'petclinic' });
    expect(proxyIdentity(OLD_ROLE_LINE)).toEqual({ pod: 'istio-ingressgateway-5855454469-5h8dq', namespace: 'istio-system' });
    expect(proxyIdentity(ROLE_LINE.replace(/\t/g, '    '))).toEqual({ pod: 'customers-service-77c4bdbcb4-g55hd', namespace: 'petclinic' });
    // A VM's id has dots in the name; the namespace is after the last one.
    expect(proxyIdentity('2024-01-11T18:42:00.414242Z\tinfo\tProxy role\tips=[10.10.10.10] type=sidecar id=ip-10-10-10-10.vm-mysqldb domain=vm-mysqldb.svc.cluster.local')).toEqual({
      pod: 'ip-10-10-10-10',
      namespace: 'vm-mysqldb',
    });
  });

  it('ignores an id that is not <pod>.<namespace>', () => {
    expect(proxyIdentity('2024-11-05T10:01:12.005051Z\tinfo\tProxy role\tips=[10.244.3.5] type=sidecar id=app domain=default.svc.cluster.local')).toBeUndefined();
    expect(proxyIdentity('2021-08-28T05:51:43.570376Z\tinfo\tProxy role\tips=[169.254.8.1] type=sidecar id=.cloudrun domain=cloudrun.svc.cluster.local')).toBeUndefined();
  });

  it('reads the Istio version pilot-agent starts with', () => {
    expect(istioVersion(VERSION_LINE)).toBe('1.28.2');
    expect(istioVersion('2026-03-25T15:07:11.742561Z\tinfo\tVersion 1.18.2-distroless-Clean')).toBe('1.18.2');
    expect(istioVersion('2021-04-25T03:02:16.930774Z\tinfo\tVersion 1.10.0-alpha.0-4c05baca64f773fbabbcb2b34b1824ff65f4cbff-Clean')).toBe('1.10.0-alpha.0');
    expect(istioVersion('2026-01-04T07:20:36.503156Z\tinfo\tFLAG: --domain="petclinic.svc.cluster.local"')).toBeUndefined();
  });
});

function scan(text: string) {
  const scanner = new LogScanner('istio-proxy');
  text.split('\n').forEach((line, i) => scanner.line(line.replace(/\r$/, ''), i + 1));
  return scanner.finish();
}

describe('LogScanner on kubectl-prefixed logs', () => {
  const plain = scan(SLEEP_LOG);

  it('--timestamps: the same counts and signature lines as the plain log', () => {
    const stamped = scan(
      SLEEP_LOG.split('\n')
        .map((l, i) => (l === '' ? l : `2024-11-05T10:03:${String(i).padStart(2, '0')}.000000000Z ${l}`))
        .join('\n'),
    );
    expect(stamped.access).toEqual(plain.access);
    expect(stamped.signatures.noHealthyUpstream?.count).toBe(9);
    expect(stamped.signatures.noHealthyUpstream?.first.line).toBe(plain.signatures.noHealthyUpstream?.first.line);
    expect(stamped.signatures.noHealthyUpstream?.first.text).toBe(plain.signatures.noHealthyUpstream?.first.text);
    expect(stamped.istioVersion).toBe('1.24.2');
  });

  it('uses the --timestamps time for lines that carry none of their own', () => {
    const summary = scan(`2025-04-22T14:08:00.000000000Z ${UH}\n2025-04-22T14:09:30.000000000Z upstream connect error or disconnect/reset before headers. reset reason: connection failure`);
    expect(summary.lastTimestamp).toBe('2025-04-22T14:09:30.000000000Z');
    expect(summary.signatures.upstreamConnectError?.count).toBe(1);
  });

  it('--prefix with several pods: one part per pod and container, counted apart', () => {
    const mixed = `[pod/a-7d4b9c8f6-x2x9z/istio-proxy] ${UH}\n[pod/b-6c5d8e7f9-y3y8w/istio-proxy] ${UH.replace(' 503 UH no_healthy_upstream ', ' 200 - via_upstream ')}\n[pod/a-7d4b9c8f6-x2x9z/istio-proxy] ${UH}`;
    const summary = scan(mixed);
    expect(summary.sources?.map((s) => [s.pod, s.container, s.summary.access.requests, s.summary.signatures.noHealthyUpstream?.count])).toEqual([
      ['a-7d4b9c8f6-x2x9z', 'istio-proxy', 2, 2],
      ['b-6c5d8e7f9-y3y8w', 'istio-proxy', 1, undefined],
    ]);
    expect(summary.sources?.[0]?.summary.signatures.noHealthyUpstream?.last.line).toBe(3);
    expect(summary.access.requests).toBe(0);
  });

  it('refuses a log with lines but none an Envoy or Istio component wrote, naming the first', () => {
    expect(() => scan('Error from server (NotFound): pods "productpage-v1-675fc69cf-v2kqw" not found\n')).toThrow(
      /none of its 2 lines is an Envoy access-log line or an Istio\/Envoy log line.*first line: "Error from server \(NotFound\)/,
    );
    expect(scan('').lines).toBe(1); // an empty log is an answer: nothing was logged
    // --prefix: the first pod (by name) logged only a blank line, the second the text to name.
    expect(() => scan('[pod/a-7d4b9c8f6-x2x9z/istio-proxy] \n[pod/b-6c5d8e7f9-y3y8w/istio-proxy] Error from server (NotFound): pods "b" not found\n')).toThrow(
      /none of its 3 lines .*first line: "Error from server \(NotFound\): pods \\"b\\" not found"\)$/,
    );
  });
});

describe('a proxy log that cannot be read is never "checked, nothing found"', () => {
  it('is listed invalid with its reason, and the log rules are not checked because of it', async () => {
    const dir = await tempDir();
    await writeTree(dir, {
      'logs/bookinfo/productpage-v1-675fc69cf-v2kqw/istio-proxy.log': 'error: container istio-proxy is not valid for pod productpage-v1-675fc69cf-v2kqw\n',
      'proxy-status.txt': fixture('multiXdsStatusMultiPilot_verbose.txt'),
    });
    const { report } = await analyzeBundle(dir);
    const entry = report.inventory.find((i) => i.path.endsWith('istio-proxy.log'))!;
    expect(entry).toMatchObject({ status: 'invalid', kind: 'logs.proxy' });
    expect(entry.reason).toContain('could not be analysed (first line: "error: container istio-proxy is not valid');
    expect(report.rulesChecked).not.toContain('LOG002');
    const notChecked = report.notChecked.find((n) => n.ruleId === 'LOG002')!;
    expect(notChecked.reason).toContain('logs/bookinfo/productpage-v1-675fc69cf-v2kqw/istio-proxy.log could not be read');
  });
});

describe('whose log it is', () => {
  const uhLines = Array.from({ length: 3 }, () => UH).join('\n');

  it('`<pod>.istio-proxy.log` and `<pod>-istio-proxy.log` name the pod and container', async () => {
    const dir = await tempDir();
    await writeTree(dir, { 'api-gateway-9bd78f7f4-qpmh2.istio-proxy.log': `${uhLines}\n`, 'productpage-v1-675fc69cf-v2kqw-istio-proxy.log': `${uhLines}\n` });
    const { report } = await analyzeBundle(dir);
    // one finding for the upstream both fail toward; each log's pod among its occurrences
    const findings = report.findings.filter((f) => f.ruleId === 'LOG002');
    expect(findings).toHaveLength(1);
    expect(findings[0]!.occurrences!.map((o) => o.subject)).toEqual([
      { kind: 'Pod', name: 'api-gateway-9bd78f7f4-qpmh2' },
      { kind: 'Pod', name: 'productpage-v1-675fc69cf-v2kqw' },
    ]);
    const commands = report.findings.flatMap((f) => f.commands).join('\n');
    expect(commands).toContain('istioctl proxy-config endpoint api-gateway-9bd78f7f4-qpmh2 --cluster');
    expect(commands).not.toContain('.istio-proxy');
  });

  it('the proxy id pilot-agent logs names pod and namespace, whatever the file is called', async () => {
    const dir = await tempDir();
    await writeTree(dir, { 'gateway.txt': `${VERSION_LINE}\n${ROLE_LINE}\n${uhLines}\n` });
    const { report } = await analyzeBundle(dir);
    const finding = report.findings.find((f) => f.ruleId === 'LOG002')!;
    expect(finding.occurrences!.map((o) => o.subject)).toEqual([{ kind: 'Pod', namespace: 'petclinic', name: 'customers-service-77c4bdbcb4-g55hd' }]);
    expect(finding.explanation).toContain('named by the proxy id pilot-agent logged at start-up');
    expect(finding.commands).toContain("istioctl proxy-config endpoint customers-service-77c4bdbcb4-g55hd -n petclinic --cluster 'outbound|8000||httpbin.foo.svc.cluster.local'");
  });

  it('a name that ties to no pod is a file: never passed to istioctl as a pod', async () => {
    const dir = await tempDir();
    await writeTree(dir, { 'sidecar.log': `${uhLines}\n` });
    const { report } = await analyzeBundle(dir);
    const finding = report.findings.find((f) => f.ruleId === 'LOG002')!;
    expect(finding.occurrences!.map((o) => o.subject)).toEqual([{ kind: 'File', name: 'sidecar.log' }]);
    expect(finding.title).toContain('the log sidecar.log');
    expect(finding.commands.join('\n')).not.toMatch(/istioctl proxy-config endpoint sidecar/);
    expect(finding.commands[0]).toMatch(/^kubectl get pods -A -o wide/);
  });
});

describe('logs pasted through a terminal or editor', () => {
  it('tabs turned into runs of spaces: still a proxy log, same signatures and levels', async () => {
    const original = fixture('istio-proxy-startup-cert-failure.log');
    const pasted = original.replace(/\t/g, '    ');
    expect(pasted).not.toContain('\t');
    const dir = await tempDir();
    await writeTree(dir, { 'pasted-from-ticket.txt': pasted, 'crlf.txt': original.replace(/\n/g, '\r\n') });
    const { model } = await analyzeBundle(dir);
    const logs = model.facets['logs.proxy'];
    expect(logs.map((l) => l.path)).toEqual(['crlf.txt', 'pasted-from-ticket.txt']);
    for (const log of logs) {
      expect(log.summary.signatures.tlsError).toMatchObject({ count: 4, first: { line: 7 }, last: { line: 11 } });
      expect(log.summary.levels).toEqual({ error: 0, warn: 8 });
    }
    expect(logs[0]!.summary.signatures.tlsError?.first.text).not.toMatch(/\r$/);
  });
});

describe('review: logs the first version misread', () => {
  /** Istio with `global.logAsJson=true` (zap's JSON encoder: level, time, scope, msg, then the fields). */
  const JSON_LOG = [
    '{"level":"info","time":"2024-07-25T20:12:59.093175Z","msg":"Version 1.22.3-2dc9b0b2d4a3c5bf6f9e8e0d8c2d1c4e5f6a7b8c-Clean"}',
    '{"level":"info","time":"2024-07-25T20:12:59.094011Z","msg":"Proxy role","ips":["10.244.0.38"],"type":"sidecar","id":"customers-service-77c4bdbcb4-g55hd.petclinic","domain":"petclinic.svc.cluster.local"}',
    '{"level":"warn","time":"2024-07-25T20:13:04.519220Z","scope":"envoy config","msg":"StreamAggregatedResources gRPC config stream to xds-grpc closed: 13, "}',
    '{"level":"info","time":"2024-07-25T20:13:05.001122Z","scope":"xdsproxy","msg":"connected to upstream XDS server: istiod.istio-system.svc:15012"}',
  ].join('\n');

  it('JSON-format Istio logs are Istio lines: levels, time, proxy id and version read', () => {
    const summary = scan(JSON_LOG);
    expect(summary.levels).toEqual({ error: 0, warn: 1 });
    expect(summary.lastTimestamp).toBe('2024-07-25T20:13:05.001122Z');
    expect(summary.proxy).toEqual({ pod: 'customers-service-77c4bdbcb4-g55hd', namespace: 'petclinic' });
    expect(summary.istioVersion).toBe('1.22.3');
  });

  it('two different proxy ids in one log (kubectl logs -l … without --prefix) name no pod', () => {
    const other = ROLE_LINE.replace('customers-service-77c4bdbcb4-g55hd.petclinic', 'vets-service-6d9f7b8c5d-x2kqp.petclinic');
    expect(scan(`${ROLE_LINE}\n${UH}\n${other}\n${UH}`).proxy).toBeUndefined();
    expect(scan(`${ROLE_LINE}\n${UH}\n${ROLE_LINE}\n${UH}`).proxy).toEqual({ pod: 'customers-service-77c4bdbcb4-g55hd', namespace: 'petclinic' });
  });

  it('an application log taken with --timestamps is not an Istio log', () => {
    expect(() => scan('2025-04-22T14:08:00.000000000Z Starting server on :8080\n2025-04-22T14:08:01.000000000Z GET /health 200')).toThrow(/none of its 2 lines/);
    // while the container's own level after kubectl's time is still read
    expect(scan(`2025-04-22T14:08:00.000000000Z ${ROLE_LINE}`).proxy?.pod).toBe('customers-service-77c4bdbcb4-g55hd');
  });

  it('--all-containers --prefix: only istio-proxy lines are this log; the app\'s are left out', () => {
    const appBody = 'ERROR upstream connect error or disconnect/reset before headers. reset reason: connection failure';
    const mixed = [`[pod/productpage-v1-675fc69cf-v2kqw/istio-proxy] ${UH}`, `[pod/productpage-v1-675fc69cf-v2kqw/productpage] ${appBody}`, `[pod/productpage-v1-675fc69cf-v2kqw/istio-init] 2025-04-22T14:07:58Z iptables-restore --noflush`].join('\n');
    const summary = scan(mixed);
    expect(summary.sources?.map((s) => [s.pod, s.container])).toEqual([['productpage-v1-675fc69cf-v2kqw', 'istio-proxy']]);
    expect(summary.sources?.[0]?.summary.signatures.upstreamConnectError).toBeUndefined();
    expect(() => scan(`[pod/productpage-v1-675fc69cf-v2kqw/productpage] ${appBody}`)).toThrow('its `kubectl logs --prefix` lines come from productpage, none from istio-proxy: collect with `-c istio-proxy`');
  });

  it('a node\'s local --timestamps time is compared in UTC', () => {
    expect(splitKubectlPrefix(`2025-04-22T22:08:00.5+08:00 ${UH}`).time).toBe('2025-04-22T14:08:00.500Z');
  });

  it('a file name counts as a pod only with Kubernetes\' hash alphabet (no vowels)', async () => {
    const dir = await tempDir();
    await writeTree(dir, { 'payment-errors-today.log': `${UH}\n` });
    const { report } = await analyzeBundle(dir);
    expect(report.findings.find((f) => f.ruleId === 'LOG002')?.occurrences?.map((o) => o.subject)).toEqual([{ kind: 'File', name: 'payment-errors-today.log' }]);
  });
});
