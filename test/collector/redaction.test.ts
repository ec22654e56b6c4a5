// Redaction edge cases: secret shapes beyond scenario 1's, in a log and in the pods JSON. One run.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATA, bundleIn, extractBundle, runCollector, type CollectorRun, type Extracted, removeTempDirs } from './helpers.js';

afterAll(removeTempDirs);

const FRONTEND = 'frontend-6d8f9b7c5-4hxkz';
const LOG = `logs/shop/${FRONTEND}/istio-proxy.log`;

let run: CollectorRun;
let bundle: Extracted;
const text = (path: string) => readFileSync(join(bundle.dir, path), 'utf8');

beforeAll(async () => {
  // The shop pods with a password that contains a double quote (JSON-escaped as \" by kubectl).
  const pods = readFileSync(join(DATA, 'kubectl/pods-shop.json'), 'utf8').replace('"S3cr3t-planted-1"', '"p4ss\\"S3cr3t-edge-8"');
  expect(pods).toContain('"value": "p4ss\\"S3cr3t-edge-8"');
  run = await runCollector(['-n', 'shop', '--timeout', '3'], {
    responses: [
      { tool: 'kubectl', match: `^logs ${FRONTEND} -n shop -c istio-proxy `, stdout: 'logs/redaction-edge-cases.log' },
      { tool: 'kubectl', match: '^get pods -n shop -o json$', stdoutText: pods },
    ],
  });
  bundle = extractBundle(bundleIn(run.cwd));
}, 120_000);

describe('redaction edge cases', () => {
  it('removes tokens in URLs, escaped JSON, headers, Basic credentials and plain JSON in log lines', () => {
    expect(run.code, run.stderr).toBe(0);
    const log = text(LOG);
    for (const secret of ['S3cr3t-edge-1', 'S3cr3t-edge-2', 'S3cr3t-edge-3', 'S3cr3t-edge-4', 'dXNlcjpTM2NyM3QtZWRnZS01', 'S3cr3t-edge-6']) {
      expect(log, secret).not.toContain(secret);
    }
    // what is around the values stays
    expect(log).toContain('?code=abc&access_token=[REDACTED]&state=xyz');
    expect(log).toContain('\\"retries\\":3}');
    expect(log).toContain('"user":"bob"}');
    expect(log.split('\n').filter((l) => l !== '').length).toBeGreaterThanOrEqual(7);
  });

  it('removes RSA and EC private keys, on one escaped line or on several lines', () => {
    const log = text(LOG);
    expect(log).not.toContain('MIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu');
    expect(log).not.toContain('MHcCAQEEIIrYSSNQFaA2Hwf1duRSxKtLYX5CB04fSeQ6tF1aY/PuoAoGCCqGSM49');
    expect(log).not.toMatch(/PRIVATE KEY-----/);
    expect(log).toContain('Failed to load private key: [REDACTED private key]');
  });

  it('removes a value inside doubly escaped JSON (JSON in a JSON string in a JSON log line)', () => {
    expect(text(LOG)).not.toContain('S3cr3t-edge-7');
  });

  it('removes a whole env value that contains an escaped quote, and the JSON stays valid', () => {
    const json = text('kubernetes/pods/shop.json');
    expect(json).not.toContain('S3cr3t-edge-8');
    expect(() => JSON.parse(json)).not.toThrow();
  });

  it('removes URL credentials, cookies and private keys given as plain values, keeping quotes and prose intact', () => {
    const log = text(LOG);
    for (const secret of ['S3cr3t-edge-9', 'S3cr3t-edge-10', 'S3cr3t-edge-11', 'S3cr3t-edge-12']) expect(log, secret).not.toContain(secret);
    expect(log).toContain("-H 'X-Api-Key: [REDACTED]' http://[REDACTED]@payments.shop.svc.cluster.local:8080/charge");
    expect(log).toContain('basic health check passed');
    expect(log).toContain('Cookie: [REDACTED]; theme=dark');
    expect(log).toContain('{"privateKey": "[REDACTED]", "level": "debug"}');
  });
});
