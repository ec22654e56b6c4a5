import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { envoyCertsKind, publicCertsKind } from '../../src/artifacts/certificates/kinds.js';
import { recognise } from '../../src/artifacts/recognise.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const CERTS = join(FIXTURES, 'certs');
const pem = (name: string) => readFileSync(join(CERTS, `${name}.pem`), 'utf8');
const index = JSON.parse(readFileSync(join(CERTS, 'index.json'), 'utf8')) as Array<{ file: string; sha256?: string }>;

describe('envoy.certs (Envoy admin /certs)', () => {
  const real = readFileSync(join(FIXTURES, 'envoy', 'certs-sidecar.json'), 'utf8');
  const parse = (text: string) => envoyCertsKind.parse(text, { path: 'proxies/temp/sleep-7d9f8c6b5-r4t2x/certs' }).data;

  it('reads the workload certificate and its root from a real sidecar /certs, with pointers', () => {
    expect(parse(real).certificates).toEqual([
      { role: 'workload', serial: '4c59b19eabf06d3d46d01b09c5469dd3', uris: ['spiffe://cluster.local/ns/temp/sa/sleep'], notBefore: '2023-03-06T18:55:06.000Z', notAfter: '2023-03-07T18:57:06.000Z', pointer: '/certificates/0/cert_chain/0' },
      { role: 'root', serial: '8e66f07e8f1f7862610cee7420cff6e2', notBefore: '2023-03-06T18:52:18.000Z', notAfter: '2033-03-03T18:52:18.000Z', pointer: '/certificates/0/ca_cert/0' },
    ]);
  });

  it('keeps each certificate once, though every TLS context repeats it, and tells a gateway credential from the mesh identity', () => {
    const body = JSON.parse(real) as { certificates: Array<Record<string, unknown>> };
    const credential = { ca_cert: [], cert_chain: [{ path: '/etc/istio/ingressgateway-certs/tls.crt', serial_number: 'AB12', subject_alt_names: [{ dns: 'bookinfo.example.com' }], days_until_expiration: '12', valid_from: '2025-01-01T00:00:00Z', expiration_time: '2026-01-01T00:00:00Z' }] };
    const data = parse(JSON.stringify({ certificates: [body.certificates[0], body.certificates[0], credential] }));
    expect(data.certificates.map((c) => `${c.role} ${c.serial}`)).toEqual(['workload 4c59b19eabf06d3d46d01b09c5469dd3', 'root 8e66f07e8f1f7862610cee7420cff6e2', 'credential ab12']);
    expect(data.certificates[2]).toMatchObject({ dnsNames: ['bookinfo.example.com'], pointer: '/certificates/2/cert_chain/0' });
  });

  it('refuses what is not /certs, and a date that is not a time, naming where', () => {
    expect(() => parse('{"configs": []}')).toThrow(/no "certificates" array/);
    expect(() => parse('{"certificates": [{"cert_chain": [{"serial_number": "01", "valid_from": "yesterday", "expiration_time": "2026-01-01T00:00:00Z"}]}]}')).toThrow('/certificates/0/cert_chain/0/valid_from: "yesterday" is not an RFC 3339 time');
  });

  it('is recognised at the bug-report path and by its content, not for a ztunnel', () => {
    expect(recognise('bug-report/proxies/temp/sleep-7d9f8c6b5-r4t2x/certs', undefined, undefined)).toMatchObject({ kind: { id: 'envoy.certs' }, by: 'path', context: { namespace: 'temp', pod: 'sleep-7d9f8c6b5-r4t2x' } });
    expect(recognise('certs-of-sleep.json', real, undefined)).toMatchObject({ kind: { id: 'envoy.certs' }, by: 'content' });
    expect(recognise('bug-report/proxies/istio-system/ztunnel-4xkzp/certs', '{"a": 1}', undefined)?.kind.id).not.toBe('envoy.certs');
  });
});

describe('certs.public (PEM certificates)', () => {
  const parse = (text: string, path = 'certs/cacerts/cert-chain.pem') => publicCertsKind.parse(text, { path }).data;

  it('decodes every certificate of the file, and takes the Secret and field from the collector path', () => {
    const data = parse(pem('intermediate-valid') + pem('istio-root'));
    expect(data.secret).toBe('cacerts');
    expect(data.field).toBe('cert-chain.pem');
    expect(data.certificates.map((c) => c.sha256)).toEqual(['intermediate-valid.pem', 'istio-root.pem'].map((f) => index.find((c) => c.file === f)!.sha256));
    expect(parse(pem('istio-root'), 'saved/root-cert.pem')).not.toHaveProperty('secret');
  });

  it('refuses a file with no certificate', () => {
    expect(() => parse('-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n')).toThrow(/^not a PEM certificate file: certificate 1 of 1 does not parse/);
  });

  it('is recognised by its first line, and a private key is not a certificate file', () => {
    expect(recognise('root-cert.pem', pem('istio-root'), undefined)).toMatchObject({ kind: { id: 'certs.public' }, by: 'content' });
    expect(recognise('ca-key.pem', pem('throwaway-key'), undefined)).toBeUndefined();
  });
});
