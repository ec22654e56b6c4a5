// The layers line by line, and the entry stream: chunking, newlines, held Secret data blocks.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeBundle } from '../../src/pipeline.js';
import { EntryRedactor, redactText } from '../../src/redact/entry-redactor.js';
import { redactBundle } from '../../src/redact/redact-bundle.js';
import { CORPUS, corpusFiles, REPO, removeTempDirs, tempDir } from './helpers.js';

afterAll(removeTempDirs);

function chunked(text: string, size: number): string {
  const bytes = Buffer.from(text, 'utf8');
  const out: Buffer[] = [];
  const r = new EntryRedactor((b) => out.push(Buffer.from(b)));
  for (let i = 0; i < bytes.length; i += size) r.write(bytes.subarray(i, i + size));
  r.end();
  return Buffer.concat(out).toString('utf8');
}

describe('EntryRedactor', () => {
  it('gives the same output whatever the chunking, also splitting UTF-8 characters and PEM blocks', () => {
    for (const file of corpusFiles()) {
      const text = `café ✓ ${readFileSync(join(CORPUS, file), 'utf8')}`;
      const whole = redactText(text).text;
      for (const size of [1, 3, 7, 64, 4096]) expect(chunked(text, size), `${file} in ${size}-byte chunks`).toBe(whole);
    }
  });

  it('ends its output with a newline exactly when the input did', () => {
    expect(redactText('a password=x').text).toBe('a password=[REDACTED]');
    expect(redactText('a password=x\n').text).toBe('a password=[REDACTED]\n');
    expect(redactText('').text).toBe('');
    expect(redactText('\n\n').text).toBe('\n\n');
  });

  it('drops a PEM key block that never ends (the rest of the file could be key material)', () => {
    const r = redactText('before\n-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\nMIIEowIBAAKCAQEB\n');
    expect(r.text).toBe('before\n');
    expect(r.counts).toEqual({ 'private-key': 1 });
  });
});

describe('secret-data', () => {
  it('keeps a ConfigMap data block, and a data block of an object whose kind is not Secret', () => {
    const cm = 'apiVersion: v1\ndata:\n  mesh: |-\n    rootNamespace: istio-system\n  password-policy: strict\nkind: ConfigMap\n';
    expect(redactText(cm).text).toBe(cm);
    const json = JSON.stringify({ apiVersion: 'v1', data: { owner: 'team-orders' }, kind: 'ConfigMap' }, null, 4);
    expect(redactText(json).text).toBe(json);
  });

  it('redacts a Secret whose kind comes before data, and one whose kind follows immutable', () => {
    expect(redactText('kind: Secret\ndata:\n  user: YWRtaW4=\n').text).toBe('kind: Secret\ndata:\n  user: [REDACTED]\n');
    expect(redactText('data:\n  user: YWRtaW4=\nimmutable: true\nkind: Secret\n').text).toBe('data:\n  user: [REDACTED]\nimmutable: true\nkind: Secret\n');
  });

  it('writes a data block as it came when the kind is more than 3 keys after it (kubectl never writes that: keys are sorted)', () => {
    const text = 'data:\n  user: YWRtaW4=\na: 1\nb: 2\nc: 3\nd: 4\nkind: Secret\n';
    expect(redactText(text).text).toBe(text);
  });

  it('keeps base64 certificates and already-redacted values in a Secret', () => {
    const text = 'data:\n  ca.crt: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==\n  tls.key: "[REDACTED]"\n  empty: ""\nkind: Secret\n';
    const r = redactText(text);
    expect(r.text).toBe(text);
    expect(r.counts).toEqual({});
  });
});

describe('the redacted bundle and the analyzer', () => {
  it('leaves no key material and no Secret value in a redacted `kubectl get secret -o json`: the analyzer names none', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'in', 'kubernetes'), { recursive: true });
    writeFileSync(join(dir, 'in', 'kubernetes', 'secrets.json'), readFileSync(join(CORPUS, 'kubectl-get-secret.json')));
    writeFileSync(join(dir, 'in', 'kubernetes', 'pods.json'), readFileSync(join(REPO, 'samples', 'data-plane-503', 'kubernetes', 'pods', 'bookinfo.json')));
    const before = (await analyzeBundle(join(dir, 'in'))).report.secretMaterial ?? [];
    expect(before.map((m) => m.material)).toContain('private-key-base64');
    expect(before.map((m) => m.label)).toContain('Secret shop/db-credentials: config.properties, password, username');
    const out = join(dir, 'out.tar.gz');
    await redactBundle(join(dir, 'in'), out);
    // The markers the redaction left are not values: nothing is named.
    expect((await analyzeBundle(out)).report.secretMaterial).toBeUndefined();
    const redacted = JSON.parse(redactText(readFileSync(join(CORPUS, 'kubectl-get-secret.json'), 'utf8')).text) as { items: Array<{ data: Record<string, string> }> };
    expect(redacted.items.flatMap((i) => Object.entries(i.data).filter(([k]) => !k.endsWith('.crt')).map(([, v]) => v))).toEqual(Array(5).fill('[REDACTED]').map((v, i) => (i === 3 ? '[REDACTED base64 PEM]' : v)));
  });
});
