import { X509Certificate } from 'node:crypto';
import { type Json, objectField, stringField } from './fields.js';
import type { CertificateSummary, SecretSummary } from './summary-schema.js';

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * An SDS secret as the dump holds it: the certificate chain or trusted CA as base64 of PEM, decoded
 * with Node's X.509 parser (never by reading dates out of strings). Private keys are never read:
 * Envoy prints them as `[redacted]` anyway.
 */
export function secretSummary(element: Json, state: SecretSummary['state'], pointer: string): SecretSummary | undefined {
  const secret = objectField(element, 'secret') ?? element;
  const name = stringField(element, 'name') ?? stringField(secret, 'name');
  if (!name) return undefined;
  const chain = inlineBytes(objectField(objectField(secret, 'tls_certificate'), 'certificate_chain'));
  const trusted = inlineBytes(objectField(objectField(secret, 'validation_context'), 'trusted_ca'));
  const summary: SecretSummary = { name, state, pointer, certificates: [] };
  const bytes = chain ?? trusted;
  if (bytes === undefined) return summary;
  summary.holds = chain !== undefined ? 'chain' : 'trusted-ca';
  try {
    summary.certificates = decodePemChain(Buffer.from(bytes, 'base64').toString('latin1'));
  } catch (error) {
    summary.unreadable = (error as Error).message;
  }
  return summary;
}

function inlineBytes(source: Json | undefined): string | undefined {
  return stringField(source, 'inline_bytes') ?? stringField(source, 'inline_string');
}

export function decodePemChain(pem: string): CertificateSummary[] {
  const blocks = pem.match(PEM_BLOCK) ?? [];
  if (blocks.length === 0) throw new Error('no PEM certificate in it');
  return blocks.map((block) => {
    const cert = new X509Certificate(block);
    const uris = (cert.subjectAltName ?? '')
      .split(/,\s*/)
      .filter((entry) => entry.startsWith('URI:'))
      .map((entry) => entry.slice(4));
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
    };
  });
}
