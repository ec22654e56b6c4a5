import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { TextEncoding } from '../../src/artifacts/entry/encoding.js';
import { redactKeyMaterial, SecretMaterialScanner, type SecretMaterialHit } from '../../src/artifacts/secret-material.js';

// Real keys, generated per run: nothing secret is committed, and the formats are the ones Node/OpenSSL write.
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PKCS8 = ec.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
const SEC1 = ec.privateKey.export({ type: 'sec1', format: 'pem' }) as string;
const RSA = rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }) as string;
const ENCRYPTED = ec.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'not-a-secret' }) as string;
const PUBLIC = ec.publicKey.export({ type: 'spki', format: 'pem' }) as string;
// Node cannot write OpenSSH keys: the marker is what matters, the body is a stand-in.
const OPENSSH = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n-----END OPENSSH PRIVATE KEY-----\n';
// The Istio CA root certificate the collector tests use: a certificate is not secret.
const CERT = readFileSync(new URL('../collector/data/kubectl/cacerts-root-cert.pem', import.meta.url), 'latin1');
const CONFIG_DUMP_SECRETS = readFileSync(new URL('../fixtures/envoy/config-dump-secrets.json', import.meta.url), 'latin1');
const b64 = (text: string) => Buffer.from(text, 'latin1').toString('base64');

function scan(input: string | Buffer, chunk = 64 * 1024, encoding?: TextEncoding): SecretMaterialHit[] {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'latin1') : input;
  const scanner = new SecretMaterialScanner(encoding);
  for (let at = 0; at < bytes.length; at += chunk) scanner.push(bytes.subarray(at, at + chunk));
  return scanner.finish();
}

function scanSplit(bytes: Buffer, at: number): SecretMaterialHit[] {
  const scanner = new SecretMaterialScanner();
  // Copies that are then overwritten: the scanner must not keep references to its callers' buffers.
  const first = Buffer.from(bytes.subarray(0, at));
  scanner.push(first);
  first.fill(0x20);
  scanner.push(Buffer.from(bytes.subarray(at)));
  return scanner.finish();
}

/** The base64 body lines of a PEM: what must never reach a report. */
function bodyLines(pem: string): string[] {
  return pem.split('\n').filter((line) => line !== '' && !line.startsWith('-----'));
}

function expectNoKeyIn(output: string, ...pems: string[]): void {
  for (const pem of pems) {
    for (const line of bodyLines(pem)) expect(output).not.toContain(line);
    // and no base64 form of it either (a 24-char window of the encoded body is enough to tell)
    expect(output).not.toContain(b64(pem).slice(40, 64));
  }
}

describe('SecretMaterialScanner: PEM private keys', () => {
  it('finds every PEM private key label on its BEGIN line, and only there', () => {
    const text = ['2024-05-05T03:41:33Z info starting', 'key follows:', PKCS8 + SEC1 + ENCRYPTED + OPENSSH + RSA].join('\n');
    expect(PKCS8.split('\n')).toHaveLength(6); // BEGIN, 3 body lines, END, '' (so the lines below are exact)
    expect(SEC1.split('\n')).toHaveLength(6);
    expect(ENCRYPTED.split('\n').length).toBeGreaterThan(3);
    const encryptedLine = 3 + 5 + 5;
    const opensshLine = encryptedLine + ENCRYPTED.split('\n').length - 1;
    expect(scan(text)).toEqual([
      { material: 'private-key', label: 'PRIVATE KEY', count: 1, firstLine: 3 },
      { material: 'private-key', label: 'EC PRIVATE KEY', count: 1, firstLine: 8 },
      { material: 'private-key', label: 'ENCRYPTED PRIVATE KEY', count: 1, firstLine: encryptedLine },
      { material: 'private-key', label: 'OPENSSH PRIVATE KEY', count: 1, firstLine: opensshLine },
      { material: 'private-key', label: 'RSA PRIVATE KEY', count: 1, firstLine: opensshLine + 3 },
    ]);
  });

  it('does not take certificates, public keys, END lines or look-alikes for keys', () => {
    const text = [
      CERT,
      PUBLIC,
      '-----END PRIVATE KEY-----',
      'PRIVATE KEY----- with nothing before it',
      '-----BEGIN rsa PRIVATE KEY-----',
      '-----BEGIN  PRIVATE KEY-----',
      '----BEGIN PRIVATE KEY-----',
      '-----BEGIN PGP PRIVATE KEY BLOCK-----',
      `-----BEGIN ${'A'.repeat(60)} PRIVATE KEY-----`,
      '',
    ].join('\n');
    expect(scan(text)).toEqual([]);
    expect(scan(text, 1)).toEqual([]);
  });

  it('finds a key inside a JSON string, where its newlines are \\n escapes', () => {
    const json = `{\n  "kind": "Secret",\n  "stringData": {\n    "key.pem": ${JSON.stringify(SEC1)},\n    "cert.pem": ${JSON.stringify(CERT)}\n  }\n}\n`;
    expect(scan(json)).toEqual([{ material: 'private-key', label: 'EC PRIVATE KEY', count: 1, firstLine: 4 }]);
  });

  it('lists keys of two kinds on one line (a JSON object holding both) by their label', () => {
    const json = `{"legacy.key": ${JSON.stringify(RSA)}, "tls.key": ${JSON.stringify(SEC1)}}\n`; // RSA met first
    expect(scan(json).map((h) => [h.label, h.firstLine])).toEqual([
      ['EC PRIVATE KEY', 1],
      ['RSA PRIVATE KEY', 1],
    ]);
  });

  it('counts two keys of one kind once, with the first line', () => {
    const text = `first\n${RSA}between\n${RSA}`;
    expect(scan(text)).toEqual([{ material: 'private-key', label: 'RSA PRIVATE KEY', count: 2, firstLine: 2 }]);
  });

  it('counts lines in CRLF files as in LF ones', () => {
    const lf = `a\nb\nc\n${CERT}${PKCS8}tail\n`;
    const crlf = lf.replace(/\n/g, '\r\n');
    const line = 4 + CERT.split('\n').length - 1;
    expect(scan(lf)).toEqual([{ material: 'private-key', label: 'PRIVATE KEY', count: 1, firstLine: line }]);
    expect(scan(crlf)).toEqual([{ material: 'private-key', label: 'PRIVATE KEY', count: 1, firstLine: line }]);
    expect(scan(crlf, 7)).toEqual([{ material: 'private-key', label: 'PRIVATE KEY', count: 1, firstLine: line }]);
  });

  it('reads UTF-16LE entries (Windows PowerShell redirects) when told so', () => {
    const text = `\ufeffkind: Secret\r\ndata:\r\n  tls.key: ${b64(PKCS8)}\r\n  note: ${SEC1.replace(/\n/g, '\r\n')}`;
    const bytes = Buffer.from(text, 'utf16le');
    const expected = [
      { material: 'private-key-base64', label: 'PRIVATE KEY', count: 1, firstLine: 3 },
      { material: 'private-key', label: 'EC PRIVATE KEY', count: 1, firstLine: 4 },
    ];
    expect(scan(bytes, 64 * 1024, 'utf16le')).toEqual(expected);
    expect(scan(bytes, 3, 'utf16le')).toEqual(expected); // odd chunks split code units
    expect(scan(bytes)).toEqual([]); // read as UTF-8 the markers are NUL-interleaved: the caller must say
  });
});

describe('SecretMaterialScanner: base64 of PEM private keys', () => {
  it('finds keys in Kubernetes Secret data values, not the certificates next to them', () => {
    const yaml = [
      'apiVersion: v1',
      'kind: Secret',
      'metadata:',
      '  name: cacerts',
      '  namespace: istio-system',
      'type: Opaque',
      'data:',
      `  ca-cert.pem: ${b64(CERT)}`,
      `  ca-key.pem: ${b64(RSA)}`,
      `  root-cert.pem: ${b64(CERT)}`,
      `  tls.key: ${b64(PKCS8)}`,
      `  other.key: ${b64(RSA)}`,
      '',
    ].join('\n');
    expect(scan(yaml)).toEqual([
      { material: 'private-key-base64', label: 'RSA PRIVATE KEY', count: 2, firstLine: 9 },
      { material: 'private-key-base64', label: 'PRIVATE KEY', count: 1, firstLine: 11 },
    ]);
  });

  it("leaves Envoy's redacted private keys and inline certificates alone, and finds an inline key", () => {
    expect(CONFIG_DUMP_SECRETS.split('\n')[16]).toContain('"inline_bytes": "W3JlZGFjdGVkXQ=="');
    expect(scan(CONFIG_DUMP_SECRETS)).toEqual([]);
    const leaked = CONFIG_DUMP_SECRETS.replace('W3JlZGFjdGVkXQ==', b64(SEC1));
    expect(scan(leaked)).toEqual([{ material: 'private-key-base64', label: 'EC PRIVATE KEY', count: 1, firstLine: 17 }]);
    const inline = `{\n "private_key": {"inline_bytes": "${b64(ENCRYPTED)}"}\n}`;
    expect(scan(inline)).toEqual([{ material: 'private-key-base64', label: 'ENCRYPTED PRIVATE KEY', count: 1, firstLine: 2 }]);
  });

  it('does not take base64 of certificates, public keys or [redacted] for keys', () => {
    const text = `a: ${b64(CERT)}\nb: ${b64(PUBLIC)}\nc: ${b64('[redacted]')}\nd: ${b64('-----BEGIN ')}\n`;
    expect(b64('[redacted]')).toBe('W3JlZGFjdGVkXQ==');
    expect(scan(text)).toEqual([]);
    expect(scan(text, 5)).toEqual([]);
  });

  it('decides a base64 key value cut short by the end of the entry', () => {
    const cut = `data:\n  tls.key: ${b64(PKCS8).slice(0, 60)}`; // fewer characters than the scanner waits for
    const expected = [{ material: 'private-key-base64', label: 'PRIVATE KEY', count: 1, firstLine: 2 }];
    expect(scan(cut)).toEqual(expected);
    expect(scan(cut, 1)).toEqual(expected);
    expect(scan(`data:\n  tls.key: ${b64(PKCS8).slice(0, 20)}`)).toEqual([]); // not even its label: nothing to tell
  });
});

describe('SecretMaterialScanner: chunk boundaries', () => {
  // Every kind of marker, close together, with CRLF and LF lines.
  const doc = Buffer.from(
    [
      'line one\r',
      `pem: ${PKCS8.slice(0, 80)}`,
      `json: ${JSON.stringify(SEC1.slice(0, 60))},`,
      `  tls.key: ${b64(RSA).slice(0, 120)}\r`,
      `"inline_bytes": "${b64(ENCRYPTED).slice(0, 70)}", "private_key": {"inline_bytes": "W3JlZGFjdGVkXQ=="}`,
      `cert: ${b64(CERT).slice(0, 120)}`,
      `-----BEGIN CERTIFICATE-----\r\n-----END PRIVATE KEY-----`,
      `${OPENSSH.slice(0, 36)}\r`,
      `short: ${b64(PKCS8).slice(0, 40)}`,
    ].join('\n'),
    'latin1',
  );
  const expected: SecretMaterialHit[] = [
    { material: 'private-key', label: 'PRIVATE KEY', count: 1, firstLine: 2 },
    { material: 'private-key', label: 'EC PRIVATE KEY', count: 1, firstLine: 4 },
    { material: 'private-key-base64', label: 'RSA PRIVATE KEY', count: 1, firstLine: 5 },
    { material: 'private-key-base64', label: 'ENCRYPTED PRIVATE KEY', count: 1, firstLine: 6 },
    { material: 'private-key', label: 'OPENSSH PRIVATE KEY', count: 1, firstLine: 10 },
    { material: 'private-key-base64', label: 'PRIVATE KEY', count: 1, firstLine: 12 },
  ];

  it('finds them all in one chunk', () => {
    expect(scan(doc)).toEqual(expected);
  });

  it('finds the same hits on the same lines whatever byte the entry is split at', () => {
    for (let at = 0; at <= doc.length; at++) {
      const hits = scanSplit(doc, at);
      if (JSON.stringify(hits) !== JSON.stringify(expected)) expect({ at, hits }).toEqual({ at, hits: expected });
    }
  });

  it('finds the same hits with chunks of any small size', () => {
    for (const size of [1, 2, 3, 7, 13, 15, 16, 17, 64, 99, 100, 101, 127, 128, 129, 200]) {
      const hits = scan(doc, size);
      if (JSON.stringify(hits) !== JSON.stringify(expected)) expect({ size, hits }).toEqual({ size, hits: expected });
    }
  });

  it('takes a base64 run that ends exactly at a chunk boundary once', () => {
    const value = b64(PKCS8).slice(0, 50);
    const text = Buffer.from(`k: ${value}\nk: ${value}`, 'latin1');
    const boundary = 3 + value.length; // the first run ends here; its newline starts the next chunk
    expect(scanSplit(text, boundary)).toEqual([{ material: 'private-key-base64', label: 'PRIVATE KEY', count: 2, firstLine: 1 }]);
  });

  it('finishes once: finish() again returns the same, push() after it throws', () => {
    const scanner = new SecretMaterialScanner();
    scanner.push(Buffer.from(`x: ${b64(PKCS8).slice(0, 40)}`));
    const first = scanner.finish();
    expect(first).toEqual([{ material: 'private-key-base64', label: 'PRIVATE KEY', count: 1, firstLine: 1 }]);
    expect(scanner.finish()).toEqual(first);
    expect(() => scanner.push(Buffer.from('more'))).toThrow(/after finish/);
  });
});

describe('redactKeyMaterial', () => {
  it('removes a whole PEM key block and keeps what is around it', () => {
    const out = redactKeyMaterial(`before\n${PKCS8}after`);
    expect(out).toBe('before\n[private key removed]\nafter');
    expectNoKeyIn(out, PKCS8);
    expect(redactKeyMaterial(`a\r\n${RSA.replace(/\n/g, '\r\n')}b`)).toBe('a\r\n[private key removed]\r\nb');
  });

  it('removes a block cut before its END line, to the end of the text or the next PEM block', () => {
    const cut = `  key: |\n    ${RSA.slice(0, 300)}`;
    expect(redactKeyMaterial(cut)).toBe('  key: |\n    [private key removed]');
    expectNoKeyIn(redactKeyMaterial(cut), RSA.slice(0, 300));
    const thenCert = `${SEC1.slice(0, 120)}\n${CERT}`;
    expect(redactKeyMaterial(thenCert)).toBe(`[private key removed]${CERT}`);
  });

  it('removes the tail of a key whose BEGIN line is before the excerpt, not the certificate before it', () => {
    const tail = RSA.split('\n').slice(5).join('\n'); // body lines 5.. and the END line
    const out = redactKeyMaterial(`${CERT}${tail}next`);
    expect(out).toBe(`${CERT}[private key removed]\nnext`);
    expectNoKeyIn(out, tail);
  });

  it('removes a key inside a JSON string with \\n escapes', () => {
    const json = `{"tls.key": ${JSON.stringify(ENCRYPTED)}, "ca.crt": ${JSON.stringify(CERT)}}`;
    const out = redactKeyMaterial(json);
    expect(out).toBe(`{"tls.key": "[private key removed]\\n", "ca.crt": ${JSON.stringify(CERT)}}`);
    expectNoKeyIn(out, ENCRYPTED);
  });

  it('removes base64 keys (Secret data, Envoy inline_bytes), also cut short', () => {
    const yaml = `data:\n  ca-cert.pem: ${b64(CERT)}\n  tls.key: ${b64(PKCS8)}\n  ca-key.pem: ${b64(RSA).slice(0, 90)}\n`;
    const out = redactKeyMaterial(yaml);
    expect(out).toBe(`data:\n  ca-cert.pem: ${b64(CERT)}\n  tls.key: [private key removed]\n  ca-key.pem: [private key removed]\n`);
    expectNoKeyIn(out, PKCS8, RSA);
    const envoy = `"private_key": {"inline_bytes": "${b64(SEC1)}"}, "certificate_chain": {"inline_bytes": "${b64(CERT)}"}`;
    expect(redactKeyMaterial(envoy)).toBe(`"private_key": {"inline_bytes": "[private key removed]"}, "certificate_chain": {"inline_bytes": "${b64(CERT)}"}`);
  });

  it("leaves certificates, public keys and Envoy's [redacted] exactly as they are", () => {
    const text = `${CERT}${PUBLIC}"private_key": {"inline_bytes": "W3JlZGFjdGVkXQ=="} [redacted] ${b64(CERT)}\n-----END CERTIFICATE-----\n`;
    expect(redactKeyMaterial(text)).toBe(text);
    expect(redactKeyMaterial(CONFIG_DUMP_SECRETS)).toBe(CONFIG_DUMP_SECRETS);
  });

  it('never lets a key body through, whatever mix of forms', () => {
    const mix = [PKCS8, JSON.stringify(SEC1), b64(RSA), CERT, RSA.slice(0, 500), `"inline_bytes": "${b64(ENCRYPTED)}"`].join('\n');
    const out = redactKeyMaterial(mix);
    expectNoKeyIn(out, PKCS8, SEC1, RSA, ENCRYPTED);
    expect(out).toContain(CERT);
    expect(scan(out)).toEqual([]);
  });
});
