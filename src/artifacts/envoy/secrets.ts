import { decodePemChain } from '../certificates/x509.js';
import { type Json, objectField, stringField } from './fields.js';
import type { SecretSummary } from './summary-schema.js';

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
