import { X509Certificate } from 'node:crypto';
import type { FromSchema, JSONSchema } from 'json-schema-to-ts';

const text = { type: 'string' } as const;

/** One X.509 certificate as decoded by Node's parser: what the certificate rules read, never dates matched in strings. */
export const certificateSchema = {
  type: 'object',
  required: ['subject', 'issuer', 'serial', 'notBefore', 'notAfter', 'sha256', 'ca'],
  additionalProperties: false,
  properties: {
    subject: text,
    issuer: text,
    /** Lowercase hex, as `istioctl proxy-config secret` prints it. */
    serial: text,
    notBefore: text,
    notAfter: text,
    /** Colon-separated uppercase hex, as `openssl x509 -fingerprint -sha256` prints it. */
    sha256: text,
    ca: { type: 'boolean' },
    /** URI SANs: an Istio workload's identity is its SPIFFE id (`spiffe://<trust domain>/ns/<ns>/sa/<sa>`). */
    uris: { type: 'array', items: text },
    dnsNames: { type: 'array', items: text },
    /** The certificate itself (public): kept so a chain can be verified against the root it is checked with. */
    pem: text,
  },
} as const satisfies JSONSchema;

export type CertificateSummary = FromSchema<typeof certificateSchema>;

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Every certificate of a PEM bundle, in order (leaf first in a chain). Throws when there is none or one does not parse. */
export function decodePemChain(pem: string): CertificateSummary[] {
  const blocks = pem.match(PEM_BLOCK) ?? [];
  if (blocks.length === 0) throw new Error('no PEM certificate in it');
  return blocks.map((block, at) => {
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(block);
    } catch (error) {
      throw new Error(`certificate ${at + 1} of ${blocks.length} does not parse: ${(error as Error).message}`);
    }
    return summarise(cert, block);
  });
}

function summarise(cert: X509Certificate, pem: string): CertificateSummary {
  const names = (cert.subjectAltName ?? '').split(/,\s*/);
  const uris = names.filter((entry) => entry.startsWith('URI:')).map((entry) => entry.slice(4));
  const dnsNames = names.filter((entry) => entry.startsWith('DNS:')).map((entry) => entry.slice(4));
  return {
    // Istio workload certificates have an empty subject: their identity is the SPIFFE URI SAN.
    subject: (cert.subject ?? '').replace(/\n/g, ', '),
    issuer: (cert.issuer ?? '').replace(/\n/g, ', '),
    serial: cert.serialNumber.toLowerCase(),
    notBefore: new Date(cert.validFrom).toISOString(),
    notAfter: new Date(cert.validTo).toISOString(),
    sha256: cert.fingerprint256,
    ca: cert.ca,
    ...(uris.length > 0 ? { uris } : {}),
    ...(dnsNames.length > 0 ? { dnsNames } : {}),
    pem: pem.replace(/\r\n/g, '\n'),
  };
}

/** The SPIFFE id a workload certificate carries, if any. */
export function spiffeIdOf(cert: CertificateSummary): string | undefined {
  return cert.uris?.find((uri) => uri.startsWith('spiffe://'));
}

/**
 * Whether `issuer` signed `cert`: its name is the certificate's issuer and its key verifies the
 * signature (Node's checkIssued and verify). Undefined when either certificate's PEM is not kept.
 */
export function isIssuedBy(cert: CertificateSummary, issuer: CertificateSummary): boolean | undefined {
  if (!cert.pem || !issuer.pem) return undefined;
  const child = new X509Certificate(cert.pem);
  const parent = new X509Certificate(issuer.pem);
  return child.checkIssued(parent) && child.verify(parent.publicKey);
}
