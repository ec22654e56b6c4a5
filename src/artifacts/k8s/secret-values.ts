import { REDACTION_MARKER } from '../../redact/layers.js';
import type { SecretMaterial } from '../artifact.js';
import type { LocatedResource } from './kinds.js';

const CERTIFICATE_ONLY = /^\s*(?:-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\s*)+$/;

/**
 * Kubernetes Secrets whose values are in the bundle (`kubectl get secret -o yaml`, `istioctl
 * bug-report --full-secrets`): named with the fields that hold them, never their values. A field
 * holding only PEM certificates (a CA's public `ca-cert.pem`) is public and not counted, nor one
 * the collector or `istio-bundle redact` already replaced by its marker.
 */
export function secretValuesIn(resources: readonly LocatedResource[]): SecretMaterial[] {
  const found: SecretMaterial[] = [];
  for (const { object, line } of resources) {
    if (object.kind !== 'Secret') continue;
    const { data, stringData } = object as { data?: unknown; stringData?: unknown };
    const secretFields = [...fieldsOf(data, (v) => Buffer.from(v, 'base64').toString('latin1')), ...fieldsOf(stringData, (v) => v)];
    if (secretFields.length === 0) continue;
    const name = `${object.metadata.namespace ? `${object.metadata.namespace}/` : ''}${object.metadata.name}`;
    found.push({ material: 'secret-values', label: `Secret ${name}: ${secretFields.join(', ')}`, count: secretFields.length, ...(line ? { line } : {}) });
  }
  return found;
}

function fieldsOf(values: unknown, decode: (value: string) => string): string[] {
  if (values === null || typeof values !== 'object') return [];
  return Object.entries(values as Record<string, unknown>)
    .filter(([, value]) => typeof value === 'string' && value !== '' && !REDACTION_MARKER.test(value) && !CERTIFICATE_ONLY.test(decode(value)))
    .map(([field]) => field)
    .sort();
}
