// What must not leak out of a collection, and what the manifest must not get wrong: secrets that
// kubectl or istioctl print on stderr (the bundle keeps stderr in `<path>.stderr` files and quotes
// its first line in the summary), a Secret inside a multi-resource `get`, Secrets named among other
// resources in the collector's own commands, and the `truncated` flag of the logs (`--tail`).
// Three collector runs (default-size, `--tail 5`, `--tail 0`), each secret planted once, unique.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATA, bundleIn, extractBundle, joined, readManifest, runCollector, walk, type CollectorManifest, type CollectorRun, type Extracted, removeTempDirs } from './helpers.js';

afterAll(removeTempDirs);

const CART = 'cart-5b7c9d8f6-z8kmt';
const CHECKOUT = 'checkout-7c6d5f9b8-m4r2q';
const FRONTEND = 'frontend-6d8f9b7c5-4hxkz';
const ISTIOD = 'istiod-7d4b9c6f8-hm2xr';
const QUIET = readFileSync(join(DATA, 'logs/proxy-quiet.log'), 'utf8').split('\n').filter((l) => l !== '');

/** kubectl's stderr with client-go (klog) lines, as `-v` or an exec credential plugin prints them. */
const KUBECTL_STDERR = [
  'I1201 08:54:06.123456   12345 round_trippers.go:466] curl -v -XGET  -H "Authorization: Bearer Pl4nt-kubectl-bearer-7Qx" \'https://10.96.0.1:443/api/v1/namespaces/shop/pods/checkout-7c6d5f9b8-m4r2q/log?container=istio-proxy\'',
  'E1201 08:54:06.223456   12345 exec.go:99] exec plugin: {"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","status":{"token":"Pl4nt-kubectl-json-token-3Rv"}}',
  'error: the container istio-proxy restarted; password=Pl4nt-kubectl-password-9Kd',
  '',
].join('\n');
const KUBECTL_SECRETS = ['Pl4nt-kubectl-bearer-7Qx', 'Pl4nt-kubectl-json-token-3Rv', 'Pl4nt-kubectl-password-9Kd'];

/** istioctl's stderr: a warning quoting a JWT, and a failed request with a key-value secret. */
const JWT = 'eyJhbGciOiJSUzI1NiIsImtpZCI6IlBsNG50In0.eyJpc3MiOiJQbDRudC1pc3Rpb2N0bCJ9.UGw0bnQtaXN0aW9jdGwtand0LXNpZ25hdHVyZQ';
const ISTIOCTL_STDERR = `2024-05-14T09:22:01.000000Z\twarn\tusing token ${JWT} from the environment\nError: request failed: api_key=Pl4nt-istioctl-apikey-5Wm\n`;
const ISTIOCTL_SECRETS = [JWT.split('.')[2]!, 'Pl4nt-istioctl-apikey-5Wm'];

/**
 * A Secret item among the Services of the multi-resource `get services,endpointslices,deployments`,
 * as kubectl prints it (keys sorted: `data` comes before `kind`), with the `kubectl apply` annotation
 * that repeats its `stringData` on one line.
 */
const SECRET_VALUE_B64 = Buffer.from('Pl4nt-secret-data-value-2Hn').toString('base64');
const SECRET_ITEM = {
  apiVersion: 'v1',
  // key names that say nothing: only the secret-data layer (the item is a Secret) can catch the values
  data: { 'app.conf': SECRET_VALUE_B64 },
  kind: 'Secret',
  metadata: {
    annotations: {
      'kubectl.kubernetes.io/last-applied-configuration':
        '{"apiVersion":"v1","kind":"Secret","metadata":{"annotations":{},"name":"checkout-db","namespace":"shop"},"stringData":{"extra.properties":"Pl4nt-secret-stringdata-6Tp"},"type":"Opaque"}\n',
    },
    creationTimestamp: '2024-05-10T08:00:00Z',
    name: 'checkout-db',
    namespace: 'shop',
    resourceVersion: '48211',
    uid: 'a3f0c1e2-6b7d-4c8e-9f10-2b3c4d5e6f70',
  },
  type: 'Opaque',
};
const MIXED = (() => {
  const list = JSON.parse(readFileSync(join(DATA, 'kubectl/resources-shop.json'), 'utf8')) as { items: unknown[] };
  list.items.splice(4, 0, SECRET_ITEM);
  return `${JSON.stringify(list, null, 4)}\n`;
})();
const SECRET_DATA = [SECRET_VALUE_B64, 'Pl4nt-secret-data-value-2Hn', 'Pl4nt-secret-stringdata-6Tp'];

const lines = (n: number, final = '\n') => QUIET.slice(0, n).join('\n') + final;

let tail5: CollectorRun;
let tail0: CollectorRun;
let b5: Extracted;
let b0: Extracted;
let m5: CollectorManifest;
let m0: CollectorManifest;
const text = (bundle: Extracted, path: string) => readFileSync(join(bundle.dir, path), 'utf8');

beforeAll(async () => {
  const many = Array.from({ length: 2500 }, (_, i) => QUIET[1]!.replace('7b1c0a5e-2f4d-4c3b-9a8e-1d2c3b4a5f0', `7b1c0a5e-2f4d-4c3b-9a8e-${String(i).padStart(12, '0')}`)).join('\n') + '\n';
  [tail5, tail0] = await Promise.all([
    runCollector(['-n', 'shop', '--tail', '5', '--timeout', '5'], {
      responses: [
        // kubectl --tail=5 of a longer log prints 5 lines: cut. A 4-line log is complete.
        { tool: 'kubectl', match: `^logs ${FRONTEND} -n shop -c istio-proxy --tail=5$`, stdoutText: lines(5) },
        { tool: 'kubectl', match: `^logs ${CHECKOUT} -n shop -c istio-proxy --tail=5$`, stdoutText: lines(4), stderr: KUBECTL_STDERR },
        { tool: 'istioctl', match: `^proxy-config all ${CHECKOUT} -n shop -o json$`, stdout: 'envoy/config_dump.json', stderr: ISTIOCTL_STDERR },
        { tool: 'kubectl', match: '^get services,endpointslices\\.discovery\\.k8s\\.io,deployments -n shop -o json$', stdoutText: MIXED },
      ],
    }),
    runCollector(['-n', 'shop', '--tail', '0', '--timeout', '5'], {
      responses: [{ tool: 'kubectl', match: `^logs ${FRONTEND} -n shop -c istio-proxy --tail=-1$`, stdoutText: many }],
    }),
  ]);
  b5 = extractBundle(bundleIn(tail5.cwd));
  b0 = extractBundle(bundleIn(tail0.cwd));
  m5 = readManifest(b5.dir);
  m0 = readManifest(b0.dir);
}, 180_000);

/** Every file of the bundle that holds a planted string, with the line. */
function where(bundle: Extracted, secrets: string[]): string[] {
  const found: string[] = [];
  for (const file of walk(bundle.dir)) {
    const content = readFileSync(file, 'utf8');
    for (const secret of secrets) {
      const line = content.split('\n').find((l) => l.includes(secret));
      if (line !== undefined) found.push(`${file.slice(bundle.dir.length + 1)}: ${secret} in ${JSON.stringify(line.slice(0, 160))}`);
    }
  }
  return found;
}

describe('secrets printed on stderr', () => {
  it('the runs succeed and the stderr files exist', () => {
    expect(tail5.code, tail5.stderr).toBe(0);
    expect(tail0.code, tail0.stderr).toBe(0);
    expect(m5.artifacts.find((a) => a.path === `logs/shop/${CHECKOUT}/istio-proxy.log`)).toMatchObject({ stderr: `logs/shop/${CHECKOUT}/istio-proxy.log.stderr` });
    expect(m5.artifacts.find((a) => a.path === `proxies/shop/${CHECKOUT}/config_dump.json`)?.stderr).toBe(`proxies/shop/${CHECKOUT}/config_dump.json.stderr`);
  });

  it("kubectl's: redacted in the .stderr file, the rest of each line kept", () => {
    const stderr = text(b5, `logs/shop/${CHECKOUT}/istio-proxy.log.stderr`);
    for (const secret of KUBECTL_SECRETS) expect(stderr, secret).not.toContain(secret);
    expect(stderr).toContain('round_trippers.go:466] curl -v -XGET');
    expect(stderr).toContain('"kind":"ExecCredential"');
    expect(stderr).toContain('error: the container istio-proxy restarted; password=');
    expect(stderr.split('\n')).toHaveLength(KUBECTL_STDERR.split('\n').length);
  });

  it("istioctl's: redacted in the .stderr file", () => {
    const stderr = text(b5, `proxies/shop/${CHECKOUT}/config_dump.json.stderr`);
    for (const secret of ISTIOCTL_SECRETS) expect(stderr, secret).not.toContain(secret);
    expect(stderr).toContain('Error: request failed: api_key=');
  });

  it('no planted stderr secret anywhere in the bundle, nor on the terminal', () => {
    expect(where(b5, [...KUBECTL_SECRETS, ...ISTIOCTL_SECRETS])).toEqual([]);
    for (const secret of [...KUBECTL_SECRETS, ...ISTIOCTL_SECRETS]) {
      expect(tail5.stdout, secret).not.toContain(secret);
      expect(tail5.stderr, secret).not.toContain(secret);
    }
  });
});

describe('a Secret inside a multi-resource get', () => {
  it('the listing is kept, the Secret item in it, its data and stringData values redacted', () => {
    const listing = text(b5, 'kubernetes/resources/shop.json');
    expect(where(b5, SECRET_DATA)).toEqual([]);
    expect(listing).toContain('"name": "checkout-db"');
    expect(listing).toContain('"app.conf":');
    expect(listing).toContain('kubectl.kubernetes.io/last-applied-configuration');
    // the other items are untouched
    expect(listing).toContain(`"name": "${CART}"`);
    expect(listing.split('\n').length).toBe(MIXED.split('\n').length);
  });

  it("the collector's own commands never name Secrets among other resources, nor read their values", () => {
    const secretKinds = /^(secrets?|secrets?\.v1|secret\/.*|secrets?\.v1\.?)$/i;
    for (const run of [tail5, tail0]) {
      const gets = run.calls.filter((c) => c.tool === 'kubectl' && /^get /.test(joined(c)));
      expect(gets.length).toBeGreaterThan(10);
      for (const call of gets) {
        const line = joined(call);
        const resources = line.split(' ')[1]!.split(',');
        const named = resources.filter((r) => secretKinds.test(r));
        if (named.length === 0) continue;
        expect(resources, `${line}: Secrets listed with other resources`).toHaveLength(1);
        const allowed =
          /^get secrets -n istio-system$/.test(line) ||
          /^get secrets -A -l istio\/multiCluster=true -o jsonpath=\{range \.items\[\*\]\}\{\.metadata\.namespace\}\{"\/"\}\{\.metadata\.name\}\{"\\n"\}\{end\}$/.test(line) ||
          /^get secret (cacerts|istio-ca-secret) -n istio-system -o name$/.test(line) ||
          /^get secret (cacerts|istio-ca-secret) -n istio-system -o go-template=\{\{index \.data "(ca-cert|root-cert|cert-chain)\.pem" \| base64decode\}\}$/.test(line);
        expect(allowed, line).toBe(true);
      }
      // `all` and api-resources wildcards would take Secrets in as well
      expect(gets.map(joined).filter((l) => /^get (all|\*)\b/.test(l))).toEqual([]);
    }
  });
});

describe('manifest `truncated` for logs', () => {
  const flag = (m: CollectorManifest, path: string) => m.artifacts.find((a) => a.path === path)?.truncated;

  it('--tail 5: a log of 5 lines was cut by --tail (true), one of 4 lines is complete (false)', () => {
    expect(text(b5, `logs/shop/${FRONTEND}/istio-proxy.log`).split('\n').filter((l) => l !== '')).toHaveLength(5);
    expect(flag(m5, `logs/shop/${FRONTEND}/istio-proxy.log`)).toBe(true);
    expect(text(b5, `logs/shop/${CHECKOUT}/istio-proxy.log`).split('\n').filter((l) => l !== '')).toHaveLength(4);
    expect(flag(m5, `logs/shop/${CHECKOUT}/istio-proxy.log`)).toBe(false);
    // the stub's istiod log has 7 lines (kubectl would print 5: cut), the previous one 3 (complete)
    expect(flag(m5, `logs/istio-system/${ISTIOD}/discovery.log`)).toBe(true);
    expect(flag(m5, `logs/istio-system/${ISTIOD}/discovery.previous.log`)).toBe(false);
  });

  it('--tail 0 asks for every line: a 2500-line log is complete (false)', () => {
    expect(text(b0, `logs/shop/${FRONTEND}/istio-proxy.log`).split('\n').filter((l) => l !== '')).toHaveLength(2500);
    expect(flag(m0, `logs/shop/${FRONTEND}/istio-proxy.log`)).toBe(false);
    expect(m0.options).toMatchObject({ tail: 0 });
  });

  it('what is not a log is never marked truncated', () => {
    for (const m of [m5, m0]) {
      const others = m.artifacts.filter((a) => !a.kind?.startsWith('logs.'));
      expect(others.length).toBeGreaterThan(10);
      expect(others.filter((a) => a.truncated === true).map((a) => a.path)).toEqual([]);
    }
    const logs = m5.artifacts.filter((a) => a.kind?.startsWith('logs.'));
    expect(logs.length).toBeGreaterThan(3);
    for (const a of logs) expect(typeof a.truncated, a.path).toBe('boolean');
  });
});
