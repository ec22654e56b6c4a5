import type { Finding } from '../rules/rule.js';

/**
 * Symptom → cause links the bundle can prove: the symptom's finding is explained by the cause's,
 * and says so (`causedBy`), so a reader fixes the cause first. Each link is data: which rules,
 * and what must match between the two findings.
 */
export interface Correlation {
  symptom: string;
  cause: string;
  /** Why the cause explains the symptom, for the catalogue. */
  because: string;
  matches(symptom: Finding, cause: Finding): boolean;
}

/** The same istiod pod; a namespace one side does not know (`kubectl top` without `-A`) does not part them. */
const sameIstiod = (symptom: Finding, cause: Finding) =>
  symptom.subject.kind === 'Pod' &&
  cause.subject.kind === 'Pod' &&
  symptom.subject.name === cause.subject.name &&
  (symptom.subject.namespace === undefined || cause.subject.namespace === undefined || symptom.subject.namespace === cause.subject.namespace);

/**
 * Both quote lines of one log file: LOG004 counts every `no route matched` request of the pod, CFG006
 * quotes those of them that nearly match its rule, so the two are about one pod's requests (and CFG006
 * exists only for an authority a VirtualService claims).
 */
const sameLog = (symptom: Finding, cause: Finding) => symptom.evidence.some((s) => s.line !== undefined && cause.evidence.some((c) => c.line !== undefined && c.path === s.path));

/**
 * `<pod>.<namespace>` of the pods a finding is about (its subject, or the pods a grouped finding
 * lists): how proxy-status, CP001 and CP008 name a proxy.
 */
const proxyIds = (finding: Finding): string[] =>
  [finding.subject, ...(finding.occurrences ?? []).map((o) => o.subject)].filter((s) => s.kind === 'Pod' && s.namespace).map((s) => `${s.name}.${s.namespace!}`);

/** CP001 quotes each STALE proxy's row as `<pod>.<namespace>: CDS STALE (16m), …`. */
const staleOnIt = (symptom: Finding, cause: Finding) => proxyIds(symptom).some((id) => cause.evidence.some((e) => e.excerpt?.startsWith(`${id}: `) === true));

/** CP008 names every rejecting proxy as `<pod>.<namespace>`, in backticks. */
const rejectedBy = (symptom: Finding, cause: Finding) => proxyIds(symptom).some((id) => cause.explanation.includes(`\`${id}\``));

/** Namespaces of the pods a finding is about (its subject, a Namespace subject, or its occurrences). */
const namespacesOf = (finding: Finding): Set<string> =>
  new Set(
    [finding.subject, ...(finding.occurrences ?? []).map((o) => o.subject)]
      .map((s) => (s.kind === 'Namespace' ? s.name : s.kind === 'Pod' ? s.namespace : undefined))
      .filter((n): n is string => n !== undefined),
  );
const shareNamespace = (symptom: Finding, cause: Finding) => [...namespacesOf(symptom)].some((n) => namespacesOf(cause).has(n));
const shareProxy = (symptom: Finding, cause: Finding) => proxyIds(symptom).some((id) => proxyIds(cause).includes(id));

/** A TLS failure of certificate verification (not a plaintext/TLS mix-up, which the configuration explains). */
const verificationFailure = (finding: Finding) => /CERTIFICATE_VERIFY_FAILED|certificate (?:has )?expired|certificate verify failed/i.test(`${finding.title} ${finding.explanation}`);

/** TP001 names the subset it lacks and the VirtualService its routes came from; CFG003 the VirtualService and the undefined subset. */
const sameUndefinedSubset = (symptom: Finding, cause: Finding) => {
  const subset = /subset `([^`]+)` of `[^`]+`, which DestinationRule/.exec(symptom.explanation)?.[1];
  return subset !== undefined && cause.explanation.includes(`names subset \`${subset}\``) && symptom.explanation.includes(`VirtualService \`${cause.subject.name}.${cause.subject.namespace}\``);
};

/** A ztunnel error of certificate verification or of fetching certificates (AMB001's mTLS and certificate classes). */
const ztunnelCertificateFailure = (finding: Finding) =>
  /: (?:mTLS handshake failures|certificate requests failing|XDS stream to istiod failing certificate verification) — /.test(finding.title) && /expired|UnknownIssuer|unknown issuer|CERTIFICATE_VERIFY_FAILED|certificate verif/i.test(finding.explanation);

export const CORRELATIONS: readonly Correlation[] = [
  {
    symptom: 'LOG002',
    cause: 'MC001',
    because: 'the host has no Service in this cluster and its endpoints come from a remote cluster that delivers none: no healthy upstream is how the sidecar sees it',
    matches: (symptom, cause) => cause.subject.kind === 'Service' && symptom.subject.kind === 'Service' && symptom.subject.name === cause.subject.name && symptom.subject.namespace === cause.subject.namespace,
  },
  {
    symptom: 'AMB001',
    cause: 'CERT003',
    because: "an expired CA certificate of the mesh makes the chains ztunnel presents and verifies fail: its mTLS and certificate errors are what it looks like from the node",
    matches: (symptom, cause) => cause.severity === 'critical' && ztunnelCertificateFailure(symptom),
  },
  {
    symptom: 'TP001',
    cause: 'CFG003',
    because: 'the route names a subset no DestinationRule defines, so istiod builds no cluster for it: the proxy lacks exactly that cluster',
    matches: sameUndefinedSubset,
  },
  {
    symptom: 'LOG003',
    cause: 'CERT003',
    because: 'an expired CA certificate of the mesh makes every workload chain that holds it fail verification: the TLS errors are what it looks like from the sidecars',
    matches: (symptom, cause) => cause.severity === 'critical' && verificationFailure(symptom),
  },
  {
    symptom: 'LOG003',
    cause: 'CERT001',
    because: 'expired workload certificates fail the handshake with every peer: the TLS errors in that namespace follow from them',
    matches: (symptom, cause) => cause.severity === 'critical' && verificationFailure(symptom) && shareNamespace(symptom, cause),
  },
  {
    symptom: 'LOG003',
    cause: 'CERT002',
    because: 'a proxy that trusts another root than its peers rejects their certificates (and they reject its): CERTIFICATE_VERIFY_FAILED',
    matches: (symptom, cause) => verificationFailure(symptom) && (shareProxy(symptom, cause) || shareNamespace(symptom, cause)),
  },
  {
    symptom: 'LOG003',
    cause: 'CERT004',
    because: 'the DestinationRule the TLS failure names sets a TLS mode the server side does not accept',
    matches: (symptom, cause) => symptom.explanation.includes(`\`${cause.subject.namespace}/${cause.subject.name}\``),
  },
  {
    symptom: 'CERT001',
    cause: 'CERT003',
    because: 'with its CA certificate expired, istiod cannot issue valid certificates: workload certificates are not renewed and expire in turn',
    matches: (_symptom, cause) => cause.severity === 'critical',
  },
  {
    symptom: 'CP009',
    cause: 'CERT003',
    because: 'istiod fails to sign CSRs because the CA certificate it signs with has expired',
    matches: (symptom, cause) => cause.severity === 'critical' && /certificate signing failed|CSR signing/.test(`${symptom.title} ${symptom.explanation}`),
  },
  {
    symptom: 'CP001',
    cause: 'CP003',
    because: 'an istiod that is down, crashlooping or was OOMKilled pushes late or not at all: the proxies connected to it go STALE',
    matches: (symptom, cause) => sameIstiod(symptom, cause) && cause.severity === 'critical',
  },
  {
    symptom: 'CP001',
    cause: 'CP004',
    because: 'an istiod at the edge of its memory pushes slowly: the proxies connected to it go STALE',
    matches: sameIstiod,
  },
  {
    symptom: 'CP001',
    cause: 'CP009',
    because: 'an istiod whose pushes are not sent or time out leaves the proxies connected to it STALE (CA and lease errors do not)',
    matches: (symptom, cause) => sameIstiod(symptom, cause) && /pushes (?:not sent|timed out):/.test(cause.explanation),
  },
  {
    symptom: 'LOG008',
    cause: 'CP001',
    because: 'the proxy whose xDS stream keeps failing is one istiod lists as STALE: its stream is why it receives nothing, and CP001 names the istiod (and what is wrong with it)',
    matches: (symptom, cause) => symptom.severity !== 'low' && staleOnIt(symptom, cause),
  },
  {
    symptom: 'LOG010',
    cause: 'CP008',
    because: 'pilot-agent reports the proxy not ready because it rejected its configuration: the rejected resource, which CP008 names, is what to fix',
    matches: (symptom, cause) => symptom.explanation.includes('but was rejected') && rejectedBy(symptom, cause),
  },
  {
    symptom: 'LOG004',
    cause: 'CFG006',
    because: 'the pod\'s `no route matched` requests nearly match a rule of the VirtualService for their host (letter case, exact vs prefix, a trailing slash): the rule is what to fix',
    matches: sameLog,
  },
  {
    symptom: 'LOG006',
    cause: 'MESH001',
    because: 'the pod also runs another mesh\'s proxy that binds the port Istio\'s listener could not (Kuma 15001/15006, Consul\'s transparent proxy 15001, Open Service Mesh and App Mesh 15000/15001): one mesh per pod is the fix',
    // The same pod, and a port the bind failure names (`…:15001: Address already in use`) among those MESH001 says the other proxy binds too.
    matches: (symptom, cause) =>
      shareProxy(symptom, cause) &&
      [...symptom.explanation.matchAll(/:(\d+): Address already in use/g)].some((m) => new RegExp(`binds the same ports as istio-proxy: [^.]*\\b${m[1]} \\(`).test(cause.explanation)),
  },
];
