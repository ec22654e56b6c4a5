import { decodePemChain, isIssuedBy, type CertificateSummary } from '../../artifacts/certificates/x509.js';
import type { EnvoyCert } from '../../artifacts/certificates/kinds.js';
import type { SecretSummary } from '../../artifacts/envoy/summary-schema.js';
import { compareText } from '../../order.js';
import type { EnvoyCertsRecord, ProxyConfigRecord, ResourceRecord, Source } from '../facets.js';
import { defineView } from './types.js';

/**
 * A certificate as the bundle shows it: decoded from its PEM (config dumps, PEM files, ConfigMaps,
 * Secrets) with every field, or from Envoy's `/certs`, which gives serial, SANs and validity only.
 */
export interface Certificate {
  serial: string;
  notBefore: string;
  notAfter: string;
  uris?: string[];
  dnsNames?: string[];
  /** Absent for `/certs` entries (Envoy does not print them). */
  subject?: string;
  issuer?: string;
  sha256?: string;
  ca?: boolean;
  pem?: string;
}

/** A chain checked against the roots it came with; `unknown` when the certificates themselves are not in the bundle. */
export type ChainCheck = { result: 'verifies' } | { result: 'unknown' } | { result: 'fails'; problem: string };

/** One proxy's certificates: the identity it presents, the roots it trusts, a gateway's credentials. */
export interface ProxyCertificates {
  /** `<pod>.<namespace>`, or the file when nothing names the pod. */
  id: string;
  pod?: string;
  namespace?: string;
  from: 'config dump' | 'Envoy /certs';
  /** The workload certificate (SDS `default`): leaf first, then the intermediates presented with it. */
  workload?: { chain: Certificate[]; source: Source };
  /** The roots it trusts for the mesh (SDS `ROOTCA`). */
  roots: { certificates: Certificate[]; source: Source } | undefined;
  /** Certificates of other SDS secrets that hold a chain: a gateway's TLS credentials (`kubernetes://<secret>`). */
  credentials: Array<{ name: string; chain: Certificate[]; source: Source }>;
  /** The workload chain against the proxy's own roots. */
  chain: ChainCheck;
}

/** The mesh's root as istiod publishes it to a namespace: the `istio-ca-root-cert` ConfigMap. */
export interface RootConfigMap {
  namespace: string;
  certificates: Certificate[];
  source: Source;
}

/** Where a CA certificate was seen: a field of a CA Secret, a root ConfigMap, a proxy's roots or chain, a PEM file. */
export type CertificateOrigin =
  | { kind: 'Secret'; namespace: string; name: string; field: string }
  | { kind: 'ConfigMap'; namespace: string; name: string }
  | { kind: 'proxy roots' | 'proxy chain'; proxy: string }
  | { kind: 'PEM file' };

/** A CA certificate wherever the bundle holds it, once per certificate. */
export interface CaCertificate {
  certificate: Certificate;
  /** Where it was seen, the most authoritative first: the CA Secrets, the ConfigMaps, the proxies; `what` in words. */
  seenIn: Array<{ origin: CertificateOrigin; what: string; source: Source }>;
}

/** Where the `cacerts` Secret's field (`ca-cert.pem`, `root-cert.pem`) was seen, if anywhere. */
export function cacertsField(cas: readonly CaCertificate[], field: string): { ca: CaCertificate; source: Source } | undefined {
  for (const ca of cas) {
    const seen = ca.seenIn.find((s) => s.origin.kind === 'Secret' && s.origin.name === 'cacerts' && s.origin.field === field);
    if (seen) return { ca, source: seen.source };
  }
  return undefined;
}

/** The origin in words, as findings quote it. */
function originText(origin: CertificateOrigin): string {
  switch (origin.kind) {
    case 'Secret':
      return `Secret ${origin.namespace}/${origin.name} ${origin.field}`;
    case 'ConfigMap':
      return `ConfigMap ${origin.namespace}/${origin.name}`;
    case 'proxy roots':
      return `roots of proxy ${origin.proxy}`;
    case 'proxy chain':
      return `chain of proxy ${origin.proxy}`;
    case 'PEM file':
      return 'PEM file';
  }
}

/**
 * A proxy's roots against the mesh's: `match` when it trusts every root of the ConfigMap, `partial` when
 * some (a rotation under way), `differs` when none; `unknown` without a ConfigMap or without roots.
 */
export type RootMatch = { state: 'match' | 'partial' | 'differs'; configMap: RootConfigMap } | { state: 'unknown' };

export interface CertificatesView {
  proxies: ProxyCertificates[];
  /** The proxy's roots against its namespace's `istio-ca-root-cert` (or the control plane's). */
  rootMatch(proxy: ProxyCertificates): RootMatch;
  rootConfigMaps: RootConfigMap[];
  /** The `istio-ca-root-cert` of a namespace, else the control plane namespace's (istiod writes the same root to every namespace). */
  rootConfigMapFor(namespace: string | undefined): RootConfigMap | undefined;
  /** CA certificates: of the CA Secrets (cacerts, istio-ca-secret), the root ConfigMaps, the roots and intermediates proxies hold. */
  caCertificates: CaCertificate[];
  /** Files the view could not read a certificate from, with why (a ConfigMap whose PEM does not parse). */
  unreadable: Array<{ source: Source; problem: string }>;
}

const ROOT_CONFIGMAP = 'istio-ca-root-cert';
/** Istio's CA Secrets: a plugged-in CA (`cacerts`) or istiod's self-signed one (`istio-ca-secret`); public fields only. */
const CA_SECRETS = ['cacerts', 'istio-ca-secret'];
const CA_SECRET_FIELDS = ['ca-cert.pem', 'root-cert.pem', 'cert-chain.pem'];
/** SDS resource names of a sidecar's mesh identity and roots (Istio's security/pkg/nodeagent/cache). */
const WORKLOAD_SECRET = 'default';
const ROOT_SECRET = 'ROOTCA';

export const certificatesView = defineView({
  id: 'certificates',
  reads: ['envoy.configDump', 'envoy.certs', 'certs.public', 'k8s.resources'],
  build(facets, bundle) {
    const unreadable: CertificatesView['unreadable'] = [];
    const proxies = proxiesOf(facets['envoy.configDump'], facets['envoy.certs']);
    const rootConfigMaps = rootConfigMapsOf(facets['k8s.resources'], unreadable);
    const byNamespace = new Map(rootConfigMaps.map((c) => [c.namespace, c]));
    const rootConfigMapFor = (namespace: string | undefined) => (namespace !== undefined ? byNamespace.get(namespace) : undefined) ?? byNamespace.get(bundle.istioNamespace);
    const cas = new CaCollector();
    for (const file of facets['certs.public']) {
      const origin: CertificateOrigin = file.secret && file.field ? { kind: 'Secret', namespace: bundle.istioNamespace, name: file.secret, field: file.field } : { kind: 'PEM file' };
      for (const certificate of file.certificates) if (certificate.ca) cas.add(certificate, origin, { path: file.path });
    }
    for (const secret of caSecretsOf(facets['k8s.resources'], unreadable)) for (const certificate of secret.certificates) if (certificate.ca) cas.add(certificate, secret.origin, secret.source);
    for (const configMap of rootConfigMaps) for (const certificate of configMap.certificates) cas.add(certificate, { kind: 'ConfigMap', namespace: configMap.namespace, name: ROOT_CONFIGMAP }, configMap.source);
    for (const proxy of proxies) {
      for (const certificate of proxy.roots?.certificates ?? []) cas.add(certificate, { kind: 'proxy roots', proxy: proxy.id }, proxy.roots!.source);
      for (const certificate of proxy.workload?.chain.slice(1) ?? []) cas.add(certificate, { kind: 'proxy chain', proxy: proxy.id }, proxy.workload!.source);
    }
    return {
      proxies,
      rootConfigMaps,
      rootConfigMapFor,
      rootMatch: (proxy) => rootMatch(proxy, rootConfigMapFor(proxy.namespace)),
      caCertificates: cas.list(),
      unreadable,
    };
  },
});

function proxiesOf(dumps: readonly ProxyConfigRecord[], certs: readonly EnvoyCertsRecord[]): ProxyCertificates[] {
  const byId = new Map<string, ProxyCertificates>();
  // Config dumps first: they carry the certificates themselves, /certs only their dates.
  for (const dump of [...dumps].sort((a, b) => compareText(a.path, b.path))) {
    const proxy = fromConfigDump(dump);
    if (proxy && !byId.has(proxy.id)) byId.set(proxy.id, proxy);
  }
  for (const record of [...certs].sort((a, b) => compareText(a.path, b.path))) {
    const proxy = fromEnvoyCerts(record);
    if (proxy && !byId.has(proxy.id)) byId.set(proxy.id, proxy);
  }
  return [...byId.values()].sort((a, b) => compareText(a.id, b.id));
}

function identity(record: { path: string; pod?: string; namespace?: string }): Pick<ProxyCertificates, 'id' | 'pod' | 'namespace'> {
  if (record.pod && record.namespace) return { id: `${record.pod}.${record.namespace}`, pod: record.pod, namespace: record.namespace };
  return { id: record.path };
}

function fromConfigDump(record: ProxyConfigRecord): ProxyCertificates | undefined {
  const secrets = record.summary.secrets;
  // The active secret is the one in use; a warming one is what SDS has not delivered yet.
  const pick = (name: string) => secrets.find((s) => s.name === name && s.state !== 'warming') ?? secrets.find((s) => s.name === name);
  const workload = pick(WORKLOAD_SECRET);
  const roots = pick(ROOT_SECRET);
  const credentials = secrets.filter((s) => s.name !== WORKLOAD_SECRET && s.name !== ROOT_SECRET && s.holds === 'chain' && s.certificates.length > 0);
  if (!workload?.certificates.length && !roots?.certificates.length && credentials.length === 0) return undefined;
  const at = (secret: SecretSummary): Source => ({ path: record.path, pointer: secret.pointer });
  const proxy: ProxyCertificates = {
    ...identity(record),
    from: 'config dump',
    roots: roots?.certificates.length ? { certificates: roots.certificates, source: at(roots) } : undefined,
    credentials: credentials.map((s) => ({ name: s.name, chain: s.certificates, source: at(s) })),
    chain: { result: 'unknown' },
  };
  if (workload?.certificates.length) proxy.workload = { chain: workload.certificates, source: at(workload) };
  proxy.chain = checkChain(proxy.workload?.chain, proxy.roots?.certificates);
  return proxy;
}

function fromEnvoyCerts(record: EnvoyCertsRecord): ProxyCertificates | undefined {
  const of = (role: EnvoyCert['role']) => record.certificates.filter((c) => c.role === role);
  const certificate = ({ role: _role, pointer: _pointer, ...rest }: EnvoyCert): Certificate => rest;
  const workload = of('workload');
  const roots = of('root');
  const credentials = of('credential');
  if (workload.length === 0 && roots.length === 0 && credentials.length === 0) return undefined;
  const at = (cert: EnvoyCert): Source => ({ path: record.path, pointer: cert.pointer });
  return {
    ...identity(record),
    from: 'Envoy /certs',
    // /certs lists each certificate on its own: the one with the SPIFFE id and the latest expiry is the leaf in use.
    ...(workload.length > 0 ? { workload: { chain: [...workload].sort(newestFirst).map(certificate), source: at([...workload].sort(newestFirst)[0]!) } } : {}),
    roots: roots.length > 0 ? { certificates: roots.map(certificate), source: at(roots[0]!) } : undefined,
    credentials: credentials.map((c) => ({ name: c.dnsNames?.[0] ?? c.serial, chain: [certificate(c)], source: at(c) })),
    chain: { result: 'unknown' },
  };
}

function newestFirst(a: { notAfter: string }, b: { notAfter: string }): number {
  return compareText(b.notAfter, a.notAfter);
}

/**
 * Whether each certificate of the chain is signed by the next, and the last by one of the roots (or
 * is one). Validity dates are the expiry rules' business, not the signature's.
 */
export function checkChain(chain: readonly Certificate[] | undefined, roots: readonly Certificate[] | undefined): ChainCheck {
  if (!chain?.length || !roots?.length || chain.some((c) => !c.pem) || roots.some((r) => !r.pem)) return { result: 'unknown' };
  const summaries = chain as CertificateSummary[];
  for (let i = 0; i + 1 < summaries.length; i++) {
    if (isIssuedBy(summaries[i]!, summaries[i + 1]!) === false) {
      return { result: 'fails', problem: `certificate ${i + 1} of the chain (${describe(summaries[i]!)}) is not signed by certificate ${i + 2} (${describe(summaries[i + 1]!)})` };
    }
  }
  const top = summaries[summaries.length - 1]!;
  if (roots.some((root) => root.sha256 === top.sha256 || isIssuedBy(top, root as CertificateSummary) === true)) return { result: 'verifies' };
  return { result: 'fails', problem: `${summaries.length === 1 ? 'the certificate' : `the chain's last certificate (${describe(top)})`} is signed by none of the ${roots.length} root${roots.length === 1 ? '' : 's'} the proxy trusts` };
}

function describe(cert: Certificate): string {
  return cert.subject ? `\`${cert.subject}\`` : cert.uris?.[0] ? `\`${cert.uris[0]}\`` : `serial ${cert.serial}`;
}

/** Roots compared by fingerprint, or by serial where only Envoy's /certs shows them. */
export function sameCertificate(a: Certificate, b: Certificate): boolean {
  return a.sha256 && b.sha256 ? a.sha256 === b.sha256 : a.serial === b.serial;
}

/** How a certificate is told apart in the report: its fingerprint, else its serial. */
export function certificateKey(cert: Certificate): string {
  return cert.sha256 ?? `serial ${cert.serial}`;
}

function rootMatch(proxy: ProxyCertificates, configMap: RootConfigMap | undefined): RootMatch {
  const roots = proxy.roots?.certificates ?? [];
  if (!configMap || roots.length === 0) return { state: 'unknown' };
  const shared = configMap.certificates.filter((want) => roots.some((have) => sameCertificate(have, want))).length;
  return { state: shared === configMap.certificates.length ? 'match' : shared > 0 ? 'partial' : 'differs', configMap };
}

function rootConfigMapsOf(resources: readonly ResourceRecord[], unreadable: CertificatesView['unreadable']): RootConfigMap[] {
  const found = new Map<string, RootConfigMap>();
  for (const record of resources) {
    const { object } = record;
    if (object.kind !== 'ConfigMap' || object.metadata.name !== ROOT_CONFIGMAP) continue;
    const namespace = object.metadata.namespace;
    const pem = (object as { data?: Record<string, unknown> }).data?.['root-cert.pem'];
    if (!namespace || found.has(namespace) || typeof pem !== 'string') continue;
    const source = { path: record.source.path, pointer: `${record.source.pointer ?? ''}/data/root-cert.pem`, ...(record.source.line ? { line: record.source.line } : {}) };
    try {
      found.set(namespace, { namespace, certificates: decodePemChain(pem), source });
    } catch (error) {
      unreadable.push({ source, problem: (error as Error).message });
    }
  }
  return [...found.values()].sort((a, b) => compareText(a.namespace, b.namespace));
}

/** The public fields of `cacerts` / `istio-ca-secret` Secret objects a hand-made bundle may hold (`kubectl get secret -o yaml`). */
function caSecretsOf(resources: readonly ResourceRecord[], unreadable: CertificatesView['unreadable']): Array<{ origin: CertificateOrigin; certificates: Certificate[]; source: Source }> {
  const out: Array<{ origin: CertificateOrigin; certificates: Certificate[]; source: Source }> = [];
  for (const record of resources) {
    const { object } = record;
    if (object.kind !== 'Secret' || !CA_SECRETS.includes(object.metadata.name)) continue;
    const data = (object as { data?: Record<string, unknown> }).data ?? {};
    for (const field of CA_SECRET_FIELDS) {
      const value = data[field];
      if (typeof value !== 'string') continue;
      const source = { path: record.source.path, pointer: `${record.source.pointer ?? ''}/data/${field}` };
      try {
        out.push({ origin: { kind: 'Secret', namespace: object.metadata.namespace ?? '', name: object.metadata.name, field }, certificates: decodePemChain(Buffer.from(value, 'base64').toString('latin1')), source });
      } catch (error) {
        unreadable.push({ source, problem: (error as Error).message });
      }
    }
  }
  return out;
}

/** CA certificates once each: by fingerprint, or by serial and expiry where only /certs shows them. */
class CaCollector {
  private readonly byKey = new Map<string, CaCertificate>();

  add(certificate: Certificate, origin: CertificateOrigin, source: Source): void {
    const what = originText(origin);
    const key = certificate.sha256 ?? `${certificate.serial} ${certificate.notAfter}`;
    const known = this.byKey.get(key) ?? [...this.byKey.values()].find((c) => c.certificate.serial === certificate.serial && c.certificate.notAfter === certificate.notAfter);
    if (known) {
      if (known.seenIn.length < 20 && !known.seenIn.some((s) => s.what === what)) known.seenIn.push({ origin, what, source });
      return;
    }
    this.byKey.set(key, { certificate, seenIn: [{ origin, what, source }] });
  }

  list(): CaCertificate[] {
    return [...this.byKey.values()].sort((a, b) => compareText(a.certificate.notAfter, b.certificate.notAfter) || compareText(a.certificate.serial, b.certificate.serial));
  }
}
