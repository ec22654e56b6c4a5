import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeBundle } from '../../src/pipeline.js';
import { renderHtml } from '../../src/report/html/render.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderSarif } from '../../src/report/sarif.js';
import type { Report } from '../../src/report/report.js';
import { renderTable } from '../../src/report/table.js';
import { tempDir } from '../bundle/helpers.js';
import { reportSchemaErrors } from '../helpers/report-schema.js';

/**
 * Bundles travel through ticket systems: one holding private keys or Secret values must say so first,
 * naming the file and the kind of material, never the value. Keys and certificates are the real ones
 * of test/fixtures/certs/ (OpenSSL; the two keys sign nothing).
 */
const CERTS = join(import.meta.dirname, '..', 'fixtures', 'certs');
const pem = (name: string) => readFileSync(join(CERTS, `${name}.pem`), 'utf8');
const b64 = (text: string) => Buffer.from(text).toString('base64');
const EC_KEY = pem('throwaway-key');
const RSA_KEY = pem('throwaway-rsa-key');
/** Lines of a key's body: none may appear in any output. */
const bodyLines = (key: string) => key.split('\n').filter((l) => l !== '' && !l.startsWith('-----'));

async function writeBundle(files: Record<string, string>): Promise<string> {
  const root = await tempDir('ibundle-secrets-');
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
  return root;
}

/** `kubectl get secret cacerts -n istio-system -o yaml`, as a customer exports it by hand. */
const CACERTS_YAML = `apiVersion: v1
data:
  ca-cert.pem: ${b64(pem('intermediate-valid'))}
  ca-key.pem: ${b64(EC_KEY)}
  cert-chain.pem: ${b64(pem('intermediate-valid') + pem('istio-root'))}
  root-cert.pem: ${b64(pem('istio-root'))}
kind: Secret
metadata:
  creationTimestamp: "2024-09-15T00:12:09Z"
  name: cacerts
  namespace: istio-system
  resourceVersion: "1904"
  uid: 4c1b7f0e-2f5d-4a8e-9d7b-3e1c2a9f0b11
type: Opaque
`;

/** An admin config dump whose `default` secret carries its key (a proxy built without Envoy's redaction, or a dump edited by hand). */
function configDump(privateKey: string): string {
  const secret = (name: string, body: object) => ({ name, last_updated: '2025-09-15T01:10:00.231Z', secret: { '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret', name, ...body } });
  return `${JSON.stringify(
    {
      configs: [
        {
          '@type': 'type.googleapis.com/envoy.admin.v3.SecretsConfigDump',
          dynamic_active_secrets: [
            secret('default', { tls_certificate: { certificate_chain: { inline_bytes: b64(pem('leaf-valid') + pem('intermediate-valid')) }, private_key: { inline_bytes: privateKey } } }),
            secret('ROOTCA', { validation_context: { trusted_ca: { inline_bytes: b64(pem('istio-root')) } } }),
          ],
        },
      ],
    },
    null,
    1,
  )}\n`;
}
const PROXY_LOG = '2025-09-15T03:09:58.412094Z\tinfo\txdsproxy\tconnected to delta upstream XDS server: istiod.istio-system.svc:15012\tid=8\n';

describe('secret material in a bundle', () => {
  let report: Report;
  let outputs: string[];

  beforeAll(async () => {
    const root = await writeBundle({
      'cacerts.yaml': CACERTS_YAML,
      'keys/tls.key': RSA_KEY,
      // Not recognised: its inventory reason would quote its first line, the key itself.
      'keys/tls.key.b64': `${b64(EC_KEY)}\n`,
      'proxies/bookinfo/productpage-v1-54bb874995-9xq7d/config_dump?include_eds': configDump(b64(EC_KEY)),
      'proxies/bookinfo/productpage-v1-54bb874995-9xq7d/istio-proxy.log': PROXY_LOG,
    });
    ({ report } = await analyzeBundle(root));
    outputs = [renderMarkdown(report), JSON.stringify(report), renderTable(report), renderHtml(report), renderSarif(report)];
  });

  it('names each file, the kind of material and its line, in the report and the inventory', () => {
    expect(reportSchemaErrors(JSON.parse(JSON.stringify(report)))).toEqual([]);
    expect(report.secretMaterial).toEqual([
      { path: 'cacerts.yaml', material: 'private-key-base64', label: 'PRIVATE KEY', count: 1, line: 4 },
      { path: 'cacerts.yaml', material: 'secret-values', label: 'Secret istio-system/cacerts: ca-key.pem', count: 1, line: 1 },
      { path: 'keys/tls.key', material: 'private-key', label: 'RSA PRIVATE KEY', count: 1, line: 1 },
      { path: 'keys/tls.key.b64', material: 'private-key-base64', label: 'PRIVATE KEY', count: 1, line: 1 },
      { path: 'proxies/bookinfo/productpage-v1-54bb874995-9xq7d/config_dump?include_eds', material: 'private-key-base64', label: 'PRIVATE KEY', count: 1, line: 17 },
    ]);
    const item = (path: string) => report.inventory.find((i) => i.path === path)!;
    expect(item('keys/tls.key').status).toBe('not-recognised');
    expect(item('keys/tls.key').secretMaterial).toEqual([{ material: 'private-key', label: 'RSA PRIVATE KEY', count: 1, line: 1 }]);
    expect(item('cacerts.yaml')).toMatchObject({ status: 'used', kind: 'k8s.resources' });
    expect(item('keys/tls.key.b64').reason).toBe('no artifact kind matches its path or content (first line: "[private key removed]")');
  });

  it('leads the Markdown and the terminal table with the warning', () => {
    const [markdown, , table] = outputs as [string, string, string];
    const lines = markdown.split('\n');
    expect(lines[4]).toMatch(/^> \*\*Confidential: this bundle holds private keys or secret values\*\* \(4 files\)\. Handle it as confidential/);
    expect(markdown).toContain('> | `keys/tls.key` | private key (RSA PRIVATE KEY, PEM) | 1 |');
    expect(markdown).toContain('> | `cacerts.yaml` | secret values (Secret istio-system/cacerts: ca-key.pem) | 1 |');
    expect(markdown.indexOf('Confidential')).toBeLessThan(markdown.indexOf('| # | severity |') === -1 ? Infinity : markdown.indexOf('| # | severity |'));
    expect(table.split('\n')[1]).toMatch(/^CONFIDENTIAL: this bundle holds private keys or secret values/);
    expect(table).toContain('  keys/tls.key:1: private key (RSA PRIVATE KEY, PEM)');
  });

  it('leads the HTML page with the same warning and table', () => {
    const html = outputs[3]!;
    const section = html.slice(html.indexOf('<section id="confidential"'), html.indexOf('</section>', html.indexOf('<section id="confidential"')));
    expect(html.indexOf('<section id="confidential"')).toBeLessThan(html.indexOf('<section id="findings"') === -1 ? Infinity : html.indexOf('<section id="findings"'));
    expect(section).toContain('<h2>Confidential: this bundle holds private keys or secret values</h2><p>4 files. Handle the bundle as confidential');
    expect(section).toContain('<tr><td><code>keys/tls.key</code></td><td>private key (RSA PRIVATE KEY, PEM)</td><td>1</td></tr>');
    expect(section).toContain('<tr><td><code>cacerts.yaml</code></td><td>secret values (Secret istio-system/cacerts: ca-key.pem)</td><td>1</td></tr>');
  });

  it('never echoes key material into any output', () => {
    for (const output of outputs) {
      for (const line of [...bodyLines(EC_KEY), ...bodyLines(RSA_KEY)]) expect(output).not.toContain(line);
      expect(output).not.toContain(b64(EC_KEY).slice(20, 60));
    }
  });

  it('still reads the public certificates beside the keys', () => {
    const cert003 = report.rulesChecked.includes('CERT003');
    expect(cert003).toBe(true);
    expect(report.findings.filter((f) => f.ruleId.startsWith('CERT'))).toEqual([]);
  });
});

describe('public certificates only', () => {
  it('raise no warning: certificates, Envoy\'s [redacted] keys and ConfigMaps are not secret', async () => {
    const root = await writeBundle({
      'certs/cacerts/ca-cert.pem': pem('intermediate-valid'),
      'certs/cacerts/root-cert.pem': pem('istio-root'),
      'kubernetes/configmaps/istio-system-istio-ca-root-cert.json': `${JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'istio-ca-root-cert', namespace: 'istio-system' }, data: { 'root-cert.pem': pem('istio-root') } }, null, 4)}\n`,
      'proxies/bookinfo/productpage-v1-54bb874995-9xq7d/config_dump?include_eds': configDump('W3JlZGFjdGVkXQ=='),
      'proxies/bookinfo/productpage-v1-54bb874995-9xq7d/istio-proxy.log': PROXY_LOG,
    });
    const { report } = await analyzeBundle(root);
    expect(report.secretMaterial).toBeUndefined();
    expect(report.inventory.filter((i) => i.secretMaterial)).toEqual([]);
    expect(renderMarkdown(report)).not.toContain('Confidential');
    expect(report.inventory.filter((i) => i.status !== 'used').map((i) => `${i.path}: ${i.reason}`)).toEqual([]);
  });
});
