import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
import { ArtifactParseError, defineDocumentKind } from '../artifact-kind.js';
import { parseJsonText } from '../json-text.js';
import { certificateSchema, decodePemChain } from './x509.js';

const text = { type: 'string' } as const;

/**
 * A PEM file of public certificates: what collect.sh takes field by field from the `cacerts` and
 * `istio-ca-secret` Secrets (`certs/<secret>/<field>`: ca-cert.pem, root-cert.pem, cert-chain.pem,
 * never ca-key.pem), or a `root-cert.pem` a customer saved by hand.
 */
const publicCertsSchema = {
  $id: 'certs.public',
  title: 'PEM certificates (public parts of the cacerts / istio-ca-secret Secrets, or any PEM file)',
  type: 'object',
  required: ['certificates'],
  additionalProperties: false,
  properties: {
    /** The Secret and its field, from the collector's path `certs/<secret>/<field>`. */
    secret: text,
    field: text,
    certificates: { type: 'array', minItems: 1, items: certificateSchema },
  },
} as const satisfies JSONSchema;
export type PublicCertificates = FromSchema<typeof publicCertsSchema>;

const COLLECTOR_PATH = /(?:^|\/)certs\/([^/]+)\/([^/]+\.pem)$/;

export const publicCertsKind = defineDocumentKind<PublicCertificates>({
  id: 'certs.public',
  title: 'public CA certificates of cacerts / istio-ca-secret (PEM)',
  schema: publicCertsSchema,
  collect: ['kubectl get secret cacerts -n istio-system -o "go-template={{index .data \\"ca-cert.pem\\" | base64decode}}"'],
  paths: [COLLECTOR_PATH],
  sniff: (head) => /^\s*-----BEGIN CERTIFICATE-----/.test(head),
  parse(pem, context) {
    let certificates;
    try {
      certificates = decodePemChain(pem);
    } catch (error) {
      throw new ArtifactParseError(`not a PEM certificate file: ${(error as Error).message}`);
    }
    const [, secret, field] = COLLECTOR_PATH.exec(context.path) ?? [];
    const data: PublicCertificates = { ...(secret ? { secret } : {}), ...(field ? { field } : {}), certificates };
    return { data, validate: [{ value: data, pointer: '' }] };
  },
});

/**
 * Envoy's admin `/certs` (istioctl bug-report keeps it per proxy as `proxies/<ns>/<pod>/certs`): the
 * serial, SANs and validity of every certificate a TLS context uses, without the certificates
 * themselves, so no fingerprint and no issuer. Each TLS context repeats the proxy's `default` and
 * `ROOTCA`: a certificate is kept once per role.
 */
const envoyCertSchema = {
  type: 'object',
  required: ['role', 'serial', 'notBefore', 'notAfter', 'pointer'],
  additionalProperties: false,
  properties: {
    /**
     * `workload`: the mesh certificate the proxy presents (a `cert_chain` with a SPIFFE id); `root`: a CA it
     * trusts for the mesh (`ca_cert` beside it); `credential` / `credential-ca`: a gateway's TLS certificate and CA.
     */
    role: { enum: ['workload', 'root', 'credential', 'credential-ca'] },
    serial: text,
    uris: { type: 'array', items: text },
    dnsNames: { type: 'array', items: text },
    notBefore: text,
    notAfter: text,
    pointer: { type: 'string', pattern: '^/' },
  },
} as const satisfies JSONSchema;

const envoyCertsSchema = {
  $id: 'envoy.certs',
  title: "Envoy admin /certs: the validity of a proxy's certificates",
  type: 'object',
  required: ['certificates'],
  additionalProperties: false,
  properties: { certificates: { type: 'array', items: envoyCertSchema } },
} as const satisfies JSONSchema;
export type EnvoyCerts = FromSchema<typeof envoyCertsSchema>;
export type EnvoyCert = EnvoyCerts['certificates'][number];

export const envoyCertsKind = defineDocumentKind<EnvoyCerts>({
  id: 'envoy.certs',
  title: 'Envoy admin /certs (istioctl bug-report `certs`)',
  schema: envoyCertsSchema,
  collect: ['kubectl exec <pod> -n <namespace> -c istio-proxy -- pilot-agent request GET certs'],
  paths: [/(?:^|\/)proxies\/(?<namespace>[^/]+)\/(?<pod>(?!ztunnel)[^/]+)\/certs$/],
  notCollected: 'istioctl bug-report writes it; collect.sh has the certificates themselves in each config dump (its secrets section)',
  sniff: (head) => /^\s*\{\s*"certificates"\s*:/.test(head) && /"(?:cert_chain|ca_cert)"\s*:/.test(head),
  parse(body) {
    const root = parseJsonText(body);
    const groups = root !== null && typeof root === 'object' && !Array.isArray(root) ? (root as { certificates?: unknown }).certificates : undefined;
    if (!Array.isArray(groups)) throw new ArtifactParseError('no "certificates" array: not the output of Envoy\'s /certs');
    const kept = new Map<string, EnvoyCert>();
    groups.forEach((group, at) => {
      const record = group !== null && typeof group === 'object' ? (group as Record<string, unknown>) : {};
      const chain = (Array.isArray(record.cert_chain) ? record.cert_chain : []).map((d, i) => envoyCert(d, `/certificates/${at}/cert_chain/${i}`));
      const cas = (Array.isArray(record.ca_cert) ? record.ca_cert : []).map((d, i) => envoyCert(d, `/certificates/${at}/ca_cert/${i}`));
      // A TLS context presenting a SPIFFE identity is the mesh's (SDS `default` and `ROOTCA`); any other is a gateway's credential.
      const mesh = chain.some((c) => c?.uris?.some((u) => u.startsWith('spiffe://')));
      const keep = (cert: Omit<EnvoyCert, 'role'> | undefined, role: EnvoyCert['role']) => {
        if (cert && !kept.has(`${role} ${cert.serial}`)) kept.set(`${role} ${cert.serial}`, { ...cert, role });
      };
      for (const cert of chain) keep(cert, mesh ? 'workload' : 'credential');
      for (const cert of cas) keep(cert, mesh ? 'root' : 'credential-ca');
    });
    const data: EnvoyCerts = { certificates: [...kept.values()] };
    return { data, validate: [{ value: data, pointer: '' }] };
  },
});

/** One `CertificateDetails`; undefined when it names no serial (Envoy lists a context with no certificate as empty). */
function envoyCert(detail: unknown, pointer: string): Omit<EnvoyCert, 'role'> | undefined {
  if (detail === null || typeof detail !== 'object') return undefined;
  const record = detail as Record<string, unknown>;
  const serial = typeof record.serial_number === 'string' ? record.serial_number.toLowerCase() : undefined;
  if (!serial) return undefined;
  const names = Array.isArray(record.subject_alt_names) ? (record.subject_alt_names as Array<Record<string, unknown>>) : [];
  const uris = names.map((n) => n?.uri).filter((u): u is string => typeof u === 'string');
  const dnsNames = names.map((n) => n?.dns).filter((d): d is string => typeof d === 'string');
  return {
    serial,
    ...(uris.length > 0 ? { uris } : {}),
    ...(dnsNames.length > 0 ? { dnsNames } : {}),
    notBefore: isoTime(record.valid_from, `${pointer}/valid_from`),
    notAfter: isoTime(record.expiration_time, `${pointer}/expiration_time`),
    pointer,
  };
}

function isoTime(value: unknown, pointer: string): string {
  const time = typeof value === 'string' ? Date.parse(value) : NaN;
  if (Number.isNaN(time)) throw new ArtifactParseError(`${pointer}: ${JSON.stringify(value)} is not an RFC 3339 time`);
  return new Date(time).toISOString();
}
