import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fingerprintOf } from '../../src/findings/fingerprint.js';
import { findingsStage } from '../../src/findings/stage.js';
import { analyzeBundle } from '../../src/pipeline.js';
import { RULES } from '../../src/rules/registry.js';
import type { Finding } from '../../src/rules/rule.js';
import { runRules } from '../../src/rules/run.js';
import { discoverFixtures, analyzeFixture } from '../helpers/rule-fixtures.js';
import { tempDir, writeTree } from '../bundle/helpers.js';

const SAMPLES = join(import.meta.dirname, '..', '..', 'samples');

describe('fingerprints', () => {
  it('are rule + subject + key, nothing else', () => {
    const subject = { kind: 'Pod', namespace: 'bookinfo', name: 'productpage-v1-675fc69cf-v2kqw' };
    expect(fingerprintOf('LOG002', subject, 'istio-proxy')).toMatch(/^[0-9a-f]{16}$/);
    expect(fingerprintOf('LOG002', subject, 'istio-proxy')).toBe(fingerprintOf('LOG002', { ...subject }, 'istio-proxy'));
    expect(fingerprintOf('LOG002', subject, 'istio-proxy')).not.toBe(fingerprintOf('LOG002', subject, 'istio-proxy (previous)'));
    expect(fingerprintOf('LOG002', subject)).not.toBe(fingerprintOf('LOG001', subject));
    expect(fingerprintOf('CFG001', { kind: 'Namespace', name: 'a' })).not.toBe(fingerprintOf('CFG001', { kind: 'Namespace', namespace: 'a', name: '' }));
  });

  it('are unique within every fixture\'s and sample\'s report', async () => {
    const reports = [
      ...(await Promise.all(discoverFixtures().map(async (f) => (await analyzeFixture(f)).report))),
      ...(await Promise.all(['control-plane-failure', 'data-plane-503', 'healthy'].map(async (s) => (await analyzeBundle(join(SAMPLES, s))).report))),
    ];
    let findings = 0;
    for (const report of reports) {
      const fps = report.findings.map((f) => f.fingerprint);
      findings += fps.length;
      expect(new Set(fps).size, report.bundle.source).toBe(fps.length);
    }
    expect(findings).toBeGreaterThan(50);
  });

  it('do not change with the counts in a finding: the same pod\'s log with fewer failures', async () => {
    const fixture = join(import.meta.dirname, '..', 'rules', 'LOG002', 'fires-majority-critical', 'bundle');
    const path = 'logs/default/sleep-9454cc476-qv8fz/istio-proxy.log';
    const log = await readFile(join(fixture, path), 'utf8');
    const fewer = log.split('\n').filter((line, i, all) => !line.includes(' 503 UH ') || i < all.length - 4).join('\n');
    const dir = await tempDir();
    await writeTree(dir, { [path]: fewer });
    const a = (await analyzeBundle(fixture)).report.findings.find((f) => f.ruleId === 'LOG002')!;
    const b = (await analyzeBundle(dir)).report.findings.find((f) => f.ruleId === 'LOG002')!;
    expect(a.explanation).not.toBe(b.explanation);
    expect(a.fingerprint).toBe(b.fingerprint);
  });
});

describe('the findings stage', () => {
  it('links a symptom to the cause the bundle proves: STALE proxies on an OOMKilled, over-4-GiB istiod', async () => {
    const { report } = await analyzeBundle(join(SAMPLES, 'control-plane-failure'));
    const cp001 = report.findings.find((f) => f.ruleId === 'CP001')!;
    const causes = report.findings.filter((f) => cp001.causedBy?.includes(f.fingerprint)).map((f) => `${f.ruleId} ${f.subject.name}`);
    expect(causes.sort()).toEqual(['CP003 istiod-7d4b9c6f8-hm2xr', 'CP004 istiod-7d4b9c6f8-hm2xr', 'CP009 istiod-7d4b9c6f8-hm2xr']);
    // the other istiod's CP003 is not a cause of these proxies' staleness
    expect(report.findings.some((f) => f.ruleId === 'CP003' && f.subject.name === 'istiod-7d4b9c6f8-pw7kd')).toBe(true);
    // and each cause says what it explains: the other side of the link
    for (const cause of report.findings.filter((f) => cp001.causedBy!.includes(f.fingerprint))) expect(cause.explains).toContain(cp001.fingerprint);
    expect(report.findings.find((f) => f.ruleId === 'CP003' && f.subject.name === 'istiod-7d4b9c6f8-pw7kd')!.explains).toBeUndefined();
  });

  it('links a proxy whose xDS stream keeps failing (LOG008) to the STALE listing of that proxy (CP001), not the routine reconnects', async () => {
    const { report } = await analyzeBundle(join(SAMPLES, 'control-plane-failure'));
    const log008 = report.findings.find((f) => f.ruleId === 'LOG008')!;
    const cp001 = report.findings.find((f) => f.ruleId === 'CP001')!;
    expect(log008.occurrences!.map((o) => o.subject.name)).toEqual(['checkout-7c6d5f9b8-m4r2q']);
    expect(log008.causedBy).toEqual([cp001.fingerprint]);
    const base = { step: 'sidecar-logs' as const, title: '', remediation: '', commands: [] as string[], docs: [] as string[] };
    const routine: Finding = { ...base, ruleId: 'LOG008', fingerprint: 'log008log008log0', severity: 'low', explanation: '', subject: log008.subject, evidence: [], occurrences: log008.occurrences! };
    const notStale = { kind: 'Pod', namespace: 'shop', name: 'not-stale-0' };
    const other: Finding = { ...routine, fingerprint: 'log008otherpod00', severity: 'high', subject: log008.subject, occurrences: [{ subject: notStale, count: 3 }] };
    const { shown } = findingsStage([routine, other, cp001]);
    expect(shown.find((f) => f.fingerprint === 'log008log008log0')?.causedBy).toBeUndefined();
    expect(shown.find((f) => f.fingerprint === 'log008otherpod00')?.causedBy).toBeUndefined();
  });

  it('links a proxy not ready because it rejected its configuration (LOG010) to the rejection CP008 names it in', () => {
    const base = { step: 'sidecar-logs' as const, severity: 'high' as const, title: '', remediation: '', commands: [] as string[], docs: [] as string[], evidence: [] };
    const notReady = (name: string, reason: string): Finding => ({ ...base, ruleId: 'LOG010', fingerprint: `${name}0000000000000000`.slice(0, 16), subject: { kind: 'Pod', namespace: 'bookinfo', name }, explanation: `By reason: \`${reason}\` (3).` });
    const cp008: Finding = { ...base, ruleId: 'CP008', fingerprint: 'cp008cp008cp008c', step: 'control-plane', subject: { kind: 'Listener', name: '0.0.0.0_8443' }, explanation: '`productpage-v1.bookinfo` rejected LDS updates from istiod: `…`.' };
    const { shown } = findingsStage([notReady('productpage-v1', 'config received from XDS server, but was rejected'), notReady('reviews-v1', 'config received from XDS server, but was rejected'), notReady('productpage-v1x', 'config not received from XDS server'), cp008]);
    expect(shown.find((f) => f.subject.name === 'productpage-v1')?.causedBy).toEqual(['cp008cp008cp008c']);
    expect(shown.find((f) => f.subject.name === 'reviews-v1')?.causedBy).toBeUndefined();
    expect(shown.find((f) => f.subject.name === 'productpage-v1x')?.causedBy).toBeUndefined();
  });

  it('no cause, no link: a healthy control plane leaves CP001 on its own', async () => {
    const { report } = await analyzeBundle(join(import.meta.dirname, '..', 'fixtures', 'mini-bundle'));
    expect(report.findings.find((f) => f.ruleId === 'CP001')?.causedBy).toBeUndefined();
  });

  it('links a pod\'s no-route requests (LOG004) to the VirtualService rule they nearly match (CFG006), quoting lines of the same pod\'s log', async () => {
    const rules = join(import.meta.dirname, '..', 'rules');
    for (const fixture of ['fires-case-mismatch', 'fires-exact-vs-prefix', 'fires-trailing-slash']) {
      const { report } = await analyzeBundle(join(rules, 'CFG006', fixture, 'bundle'));
      const log004 = report.findings.filter((f) => f.ruleId === 'LOG004');
      const cfg006 = report.findings.filter((f) => f.ruleId === 'CFG006');
      expect(log004, fixture).toHaveLength(1);
      expect(cfg006, fixture).toHaveLength(1);
      expect(log004[0]!.causedBy, fixture).toEqual([cfg006[0]!.fingerprint]);
    }
    // NR for an authority no VirtualService claims: LOG004 alone, with no cause
    const { report } = await analyzeBundle(join(rules, 'CFG006', 'quiet-no-vs-for-authority', 'bundle'));
    expect(report.findings.filter((f) => f.ruleId === 'CFG006')).toEqual([]);
    expect(report.findings.find((f) => f.ruleId === 'LOG004')?.causedBy).toBeUndefined();
  });

  it('links TLS verification failures (LOG003) to the certificate that explains them, and only those', () => {
    const base = { step: 'certificates' as const, severity: 'critical' as const, remediation: '', commands: [] as string[], docs: [] as string[], evidence: [] };
    const tls = (name: string, explanation: string): Finding => ({ ...base, step: 'sidecar-logs', severity: 'high', ruleId: 'LOG003', fingerprint: `${name}0000000000000000`.slice(0, 16), title: 'TLS errors', subject: { kind: 'Deployment', namespace: 'shop', name }, occurrences: [{ subject: { kind: 'Pod', namespace: 'shop', name: `${name}-7c6d5f9b8-m4r2q` }, count: 3 }], explanation });
    const verify = tls('frontend', 'By reason: `TLS_error:|268435581:SSL_routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED:TLS_error_end` (40).');
    const plaintext = tls('checkout', 'By reason: `TLS_error:|268435703:SSL_routines:OPENSSL_internal:WRONG_VERSION_NUMBER:TLS_error_end` (12). The cause: DestinationRule `shop/payments` sets `tls.mode: ISTIO_MUTUAL`.');
    const caExpired: Finding = { ...base, ruleId: 'CERT003', fingerprint: 'cert003cert003ce', title: 'CA certificate `Intermediate CA` expired', subject: { kind: 'Secret', namespace: 'istio-system', name: 'cacerts' }, explanation: '' };
    const caExpiring: Finding = { ...caExpired, fingerprint: 'cert003expiringc', severity: 'high', subject: { kind: 'Secret', namespace: 'istio-system', name: 'istio-ca-secret' } };
    const conflict: Finding = { ...base, severity: 'high', ruleId: 'CERT004', fingerprint: 'cert004cert004ce', title: '', subject: { kind: 'DestinationRule', namespace: 'shop', name: 'payments' }, explanation: '' };
    const workloadExpired: Finding = { ...base, ruleId: 'CERT001', fingerprint: 'cert001cert001ce', title: '', subject: { kind: 'Namespace', name: 'bookinfo' }, explanation: '' };
    const { shown } = findingsStage([verify, plaintext, caExpired, caExpiring, conflict, workloadExpired]);
    const byId = (fp: string) => shown.find((f) => f.fingerprint === fp)!;
    expect(byId(verify.fingerprint).causedBy).toEqual(['cert003cert003ce']);
    expect(byId(plaintext.fingerprint).causedBy).toEqual(['cert004cert004ce']);
    // The expired CA also explains the workload certificates that could not be renewed; another namespace's expiry does not explain shop's TLS errors.
    expect(byId(workloadExpired.fingerprint).causedBy).toEqual(['cert003cert003ce']);
    expect(byId(caExpired.fingerprint).explains).toEqual([verify.fingerprint, workloadExpired.fingerprint].sort());
  });

  it('links ztunnel certificate-verification errors (AMB001) to an expired CA, and not policy or identity errors', () => {
    const base = { step: 'ambient' as const, severity: 'high' as const, remediation: '', commands: [] as string[], docs: [] as string[], evidence: [], subject: { kind: 'Node', name: 'gke-pool-1-k8vx' } };
    const amb = (fp: string, label: string, text: string): Finding => ({ ...base, ruleId: 'AMB001', fingerprint: fp, title: `ztunnel \`istio-system/ztunnel-5k2wq\` on node \`gke-pool-1-k8vx\`: ${label} — ${text}`, explanation: `ztunnel logged \`${text}\` 4 times.` });
    const expired = amb('amb001expired000', 'mTLS handshake failures', 'io error: invalid peer certificate: Expired');
    const san = amb('amb001san0000000', 'mTLS handshake failures', 'io error: invalid peer certificate: Other(OtherError(identity verification error: peer did not present the expected SAN))');
    const policy = amb('amb001policy0000', 'connections rejected by policy', 'connection closed due to policy rejection: allow policies exist, but none allowed');
    const ca: Finding = { ...base, step: 'certificates', severity: 'critical', ruleId: 'CERT003', fingerprint: 'cert003cert003ce', title: 'CA certificate `Intermediate CA` expired', subject: { kind: 'Secret', namespace: 'istio-system', name: 'cacerts' }, explanation: '' };
    const { shown } = findingsStage([expired, san, policy, ca]);
    const byId = (fp: string) => shown.find((f) => f.fingerprint === fp)!;
    expect(byId('amb001expired000').causedBy).toEqual(['cert003cert003ce']);
    expect(byId('amb001san0000000').causedBy).toBeUndefined();
    expect(byId('amb001policy0000').causedBy).toBeUndefined();
  });

  it('links no healthy upstream toward a Service only a remote cluster has (LOG002) to MC001 about that Service', async () => {
    const { report } = await analyzeBundle(join(import.meta.dirname, '..', 'rules', 'MC001', 'fires-uh-toward-remote-only-service', 'bundle'));
    const mc001 = report.findings.find((f) => f.ruleId === 'MC001' && f.subject.kind === 'Service')!;
    const log002 = report.findings.filter((f) => f.ruleId === 'LOG002');
    expect(log002.map((f) => `${f.subject.namespace}/${f.subject.name}`)).toEqual([`${mc001.subject.namespace}/${mc001.subject.name}`]);
    expect(log002[0]!.causedBy).toEqual([mc001.fingerprint]);
  });

  it('does not link LOG004 of one pod to CFG006 about another pod\'s requests', () => {
    const base = { step: 'sidecar-logs' as const, severity: 'high' as const, title: '', explanation: '', remediation: '', commands: [] as string[], docs: [] as string[] };
    const log = (pod: string, line: number): Finding => ({ ...base, ruleId: 'LOG004', fingerprint: `${pod}000000000000`.slice(0, 16), subject: { kind: 'Pod', namespace: 'istio-system', name: pod }, evidence: [{ path: `logs/istio-system/${pod}/istio-proxy.log`, line }] });
    const cause: Finding = { ...base, ruleId: 'CFG006', fingerprint: 'cfg006cfg006cfg0', step: 'configuration', subject: { kind: 'VirtualService', namespace: 'bookinfo', name: 'bookinfo' }, evidence: [{ path: 'logs/istio-system/gw-a/istio-proxy.log', line: 15 }, { path: 'istio/resources/virtualservices.json', pointer: '/items/0/spec/http/1/match/0/uri' }] };
    // LOG004 quotes the signature's first line (22), CFG006 the near-missed request's (15): one log, so linked.
    const { shown } = findingsStage([log('gw-a', 22), log('gw-b', 15), cause]);
    expect(shown.find((f) => f.subject.name === 'gw-a')?.causedBy).toEqual(['cfg006cfg006cfg0']);
    expect(shown.find((f) => f.subject.name === 'gw-b')?.causedBy).toBeUndefined();
  });

  it('min-severity hides, suppress removes, fail-on reads all but the suppressed', async () => {
    const run = runRules(RULES, (await analyzeBundle(join(SAMPLES, 'data-plane-503'))).model);
    const critical = run.findings.filter((f) => f.severity === 'critical');
    expect(critical).toHaveLength(2);
    const hidden = findingsStage(run.findings, { minSeverity: 'critical', failOn: 'high' });
    expect(hidden.shown.map((f) => f.severity)).toEqual(['critical', 'critical']);
    expect(hidden.hidden).toEqual({ belowSeverity: 'critical', count: run.findings.length - 2 });
    expect(hidden.failed).toBe(true);
    const suppressions = critical.map((f) => ({ rule: '*', fingerprint: f.fingerprint, reason: 'discussed in ticket 4711', source: 'test' }));
    const quiet = findingsStage(run.findings, { failOn: 'critical', suppressions });
    expect(quiet.failed).toBe(false);
    expect(quiet.suppressed.map((s) => s.reason)).toEqual(['discussed in ticket 4711', 'discussed in ticket 4711']);
    expect(quiet.shown).toHaveLength(run.findings.length - 2);
    expect(findingsStage(run.findings, { failOn: 'never' }).failed).toBe(false);
  });

  it('links a capture-port bind failure (LOG006) to the other mesh\'s proxy in that pod binding the same port (MESH001), not to one that binds others', async () => {
    const rules = join(import.meta.dirname, '..', 'rules');
    // Consul's transparent proxy binds 127.0.0.1:15001 beside istio-proxy, whose log has `cannot bind '0.0.0.0:15001': Address already in use`
    const { report } = await analyzeBundle(join(rules, 'MESH001', 'fires-consul-dataplane-capture-port', 'bundle'));
    const log006 = report.findings.filter((f) => f.ruleId === 'LOG006');
    const mesh001 = report.findings.filter((f) => f.ruleId === 'MESH001');
    expect(log006.map((f) => f.subject.name)).toEqual(['productpage-v1-6b746f74dc-8xk2r']);
    expect(mesh001.map((f) => f.subject)).toEqual([{ kind: 'Deployment', namespace: 'bookinfo', name: 'productpage-v1' }]);
    expect(log006[0]!.causedBy).toEqual([mesh001[0]!.fingerprint]);
    expect(mesh001[0]!.explains).toEqual([log006[0]!.fingerprint]);
    // Linkerd's proxy listens on 4140/4143: the same bind failure beside it is not explained by it
    const linkerd = (await analyzeBundle(join(rules, 'LOG006', 'fires-capture-port-taken-beside-linkerd', 'bundle'))).report.findings;
    expect(linkerd.filter((f) => f.ruleId === 'MESH001')).toHaveLength(1);
    expect(linkerd.find((f) => f.ruleId === 'LOG006')!.causedBy).toBeUndefined();
    // nor is another pod's bind failure
    const elsewhere: Finding = { ...log006[0]!, fingerprint: 'log006otherpod00', subject: { kind: 'Pod', namespace: 'bookinfo', name: 'reviews-v1-5b5d6494f4-8fwlm' } };
    const { shown } = findingsStage([elsewhere, log006[0]!, mesh001[0]!].map(({ causedBy: _c, explains: _e, ...f }) => f));
    expect(shown.find((f) => f.fingerprint === 'log006otherpod00')?.causedBy).toBeUndefined();
    expect(shown.find((f) => f.fingerprint === log006[0]!.fingerprint)?.causedBy).toEqual([mesh001[0]!.fingerprint]);
  });
});
