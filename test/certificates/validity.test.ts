import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodePemChain, isIssuedBy } from '../../src/artifacts/certificates/x509.js';
import { checkChain } from '../../src/model/views/certificates.js';
import { ROTATION_OVERDUE_AT, span, timeLeft, validityAt } from '../../src/rules/certificates/validity.js';

/** Real certificates (test/fixtures/certs/, OpenSSL); their dates and fingerprints come from its index.json, never hard-coded. */
const CERTS = join(import.meta.dirname, '..', 'fixtures', 'certs');
const pem = (name: string) => readFileSync(join(CERTS, `${name}.pem`), 'utf8');
const index = JSON.parse(readFileSync(join(CERTS, 'index.json'), 'utf8')) as Array<{ file: string; notBefore?: string; notAfter?: string; sha256?: string; serial?: string; uri?: string; subject?: string }>;
const info = (name: string) => index.find((c) => c.file === `${name}.pem`)!;
const cert = (name: string) => decodePemChain(pem(name))[0]!;

const HOUR = 3_600_000;
const lifetime24h = { notBefore: '2025-09-14T00:00:00Z', notAfter: '2025-09-15T00:00:00Z' };
const at = (hours: number) => Date.parse(lifetime24h.notBefore) + hours * HOUR;

describe('a certificate at collection time', () => {
  it('is overdue for rotation past half its lifetime plus the 1% jitter, not before', () => {
    expect(ROTATION_OVERDUE_AT).toBe(0.51);
    const line = 0.51 * 24;
    expect(validityAt(lifetime24h, at(12)).state).toBe('valid');
    expect(validityAt(lifetime24h, at(line)).state).toBe('valid');
    expect(validityAt(lifetime24h, at(line) + 1000).state).toBe('overdue');
    expect(validityAt(lifetime24h, at(line) - 1000).state).toBe('valid');
  });

  it('is expired from its notAfter on, and not yet valid before its notBefore', () => {
    expect(validityAt(lifetime24h, at(24))).toEqual({ state: 'expired', since: 0 });
    expect(validityAt(lifetime24h, at(24) - 1).state).toBe('overdue');
    expect(validityAt(lifetime24h, at(30))).toEqual({ state: 'expired', since: 6 * HOUR });
    expect(validityAt(lifetime24h, at(-1))).toEqual({ state: 'not-yet-valid', in: HOUR });
  });

  it('says the time left as an engineer would', () => {
    expect(timeLeft(lifetime24h, at(1.5))).toBe('22 h 30 min left');
    expect(timeLeft(lifetime24h, at(30))).toBe('expired 6 h ago');
    expect(span(45_000)).toBe('45 s');
    expect(span(3 * 86_400_000 + 4 * HOUR + 59_000)).toBe('3 d 4 h');
    expect(span(2 * HOUR + 30_000)).toBe('2 h');
    expect(span(0)).toBe('0 s');
  });
});

describe('X.509 decoding and chain checks on real certificates', () => {
  it('reads subject, issuer, serial, validity, fingerprint, CA flag and SPIFFE id from the PEM', () => {
    const leaf = cert('leaf-valid');
    expect(leaf).toMatchObject({ subject: '', issuer: 'O=Istio, CN=Intermediate CA, L=cluster-1', serial: info('leaf-valid').serial, notBefore: info('leaf-valid').notBefore!.replace('Z', '.000Z'), sha256: info('leaf-valid').sha256, ca: false, uris: [info('leaf-valid').uri] });
    expect(cert('istio-root')).toMatchObject({ subject: 'O=cluster.local', ca: true, sha256: info('istio-root').sha256 });
    expect(decodePemChain(pem('leaf-valid') + pem('intermediate-valid')).map((c) => c.sha256)).toEqual([info('leaf-valid').sha256, info('intermediate-valid').sha256]);
  });

  it('refuses a file with no certificate, and names the block that does not parse', () => {
    expect(() => decodePemChain('hello')).toThrow('no PEM certificate in it');
    expect(() => decodePemChain(`${pem('istio-root')}-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n`)).toThrow(/certificate 2 of 2 does not parse/);
  });

  it('verifies signatures, not names: a foreign root with the same subject does not verify', () => {
    expect(isIssuedBy(cert('leaf-valid'), cert('intermediate-valid'))).toBe(true);
    expect(isIssuedBy(cert('intermediate-valid'), cert('istio-root'))).toBe(true);
    expect(cert('foreign-root').subject).toBe(cert('istio-root').subject);
    expect(isIssuedBy(cert('leaf-foreign'), cert('istio-root'))).toBe(false);
    expect(checkChain([cert('leaf-valid'), cert('intermediate-valid')], [cert('istio-root')])).toEqual({ result: 'verifies' });
    expect(checkChain([cert('leaf-selfsigned-mode')], [cert('istio-root')])).toEqual({ result: 'verifies' });
    expect(checkChain([cert('leaf-foreign')], [cert('istio-root')])).toEqual({ result: 'fails', problem: `the certificate is signed by none of the 1 root the proxy trusts` });
    expect(checkChain([cert('leaf-valid'), cert('intermediate-expiring')], [cert('istio-root')])).toMatchObject({ result: 'fails', problem: expect.stringMatching(/^certificate 1 of the chain \(`spiffe:\/\/cluster\.local\/ns\/bookinfo\/sa\/bookinfo-productpage`\) is not signed by certificate 2/) });
    // A root trusted among several (a rotation) still verifies.
    expect(checkChain([cert('leaf-valid'), cert('intermediate-valid')], [cert('foreign-root'), cert('istio-root')])).toEqual({ result: 'verifies' });
    // Dates are not the signature's business: an expired chain still verifies by signature.
    expect(checkChain([cert('leaf-under-expired-intermediate'), cert('intermediate-expired')], [cert('istio-root')])).toEqual({ result: 'verifies' });
    expect(checkChain([{ serial: '01', notBefore: '', notAfter: '' }], [cert('istio-root')])).toEqual({ result: 'unknown' });
  });
});
