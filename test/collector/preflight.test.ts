// The preflight: a workstation whose kubectl cannot reach a cluster must not get a "successful"
// empty bundle. And when collection partly fails, the summary quotes kubectl's own message, not
// client-go's retry noise. kubectl's messages below are the ones it prints in these situations.
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleIn, joined, runCollector, removeTempDirs, type CollectorRun } from './helpers.js';

afterAll(removeTempDirs);

const KLOG_NOISE = [
  'E1201 08:54:06.118902   48213 memcache.go:265] "Unhandled Error" err="couldn\'t get current server API group list: Get \\"https://127.0.0.1:6443/api?timeout=32s\\": dial tcp 127.0.0.1:6443: connect: connection refused"',
  'E1201 08:54:06.121734   48213 memcache.go:265] couldn\'t get current server API group list: Get "https://127.0.0.1:6443/api?timeout=32s": dial tcp 127.0.0.1:6443: connect: connection refused',
].join('\n');
const REFUSED = `${KLOG_NOISE}\nThe connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?\n`;
const CLIENT_VERSION = '{\n  "clientVersion": {\n    "major": "1",\n    "minor": "31",\n    "gitVersion": "v1.31.2"\n  },\n  "kustomizeVersion": "v5.4.2"\n}\n';

let refused: CollectorRun;
let unauthorized: CollectorRun;
let noContext: CollectorRun;
let noPlugin: CollectorRun;
let partial: CollectorRun;

beforeAll(async () => {
  [refused, unauthorized, noContext, noPlugin, partial] = await Promise.all([
    runCollector([], { responses: [{ tool: 'kubectl', match: '^version -o json$', stdoutText: CLIENT_VERSION, stderr: REFUSED, exit: 1 }] }),
    runCollector([], { responses: [{ tool: 'kubectl', match: '^version -o json$', stdoutText: CLIENT_VERSION, stderr: 'error: You must be logged in to the server (Unauthorized)\n', exit: 1 }] }),
    runCollector([], { responses: [{ tool: 'kubectl', match: '^config current-context$', stderr: 'error: current-context is not set\n', exit: 1 }] }),
    runCollector([], {
      responses: [
        {
          tool: 'kubectl',
          match: '^version -o json$',
          stdoutText: CLIENT_VERSION,
          stderr: 'Unable to connect to the server: getting credentials: exec: executable gke-gcloud-auth-plugin not found\n',
          exit: 1,
        },
      ],
    }),
    runCollector([], {
      responses: [
        { tool: 'kubectl', match: '^auth can-i get pods -n istio-system$', stdoutText: 'no\n', exit: 1 },
        { tool: 'kubectl', match: '^top pod -n shop --containers$', stderr: `${KLOG_NOISE.split('\n')[0]}\nerror: Metrics API not available\n`, exit: 1 },
        { tool: 'kubectl', match: '^get nodes -o json$', stderr: `${KLOG_NOISE}\n`, exit: 1 },
      ],
    }),
  ]);
}, 120_000);

describe('collector preflight', () => {
  it('API server unreachable: exit 3, kubectl\'s own message, no bundle, nothing collected', () => {
    expect(refused.code, refused.stderr).toBe(3);
    expect(refused.stderr).toContain('cannot reach the Kubernetes API server of context kind-mesh-prod: The connection to the server 127.0.0.1:6443 was refused');
    expect(refused.stderr).toContain('No bundle was written.');
    expect(refused.stderr).not.toContain('memcache.go');
    expect(refused.stderr).not.toContain('Send this file');
    expect(readdirSync(refused.cwd)).toEqual([]);
    expect(refused.calls.map(joined)).toEqual(['config current-context', 'version -o json']);
  });

  it('credentials refused: exit 3 and says to log in again', () => {
    expect(unauthorized.code, unauthorized.stderr).toBe(3);
    expect(unauthorized.stderr).toContain('the API server refused the credentials of context kind-mesh-prod: error: You must be logged in to the server (Unauthorized)');
    expect(readdirSync(unauthorized.cwd)).toEqual([]);
  });

  it('a missing credential plugin is named as such, not as refused credentials', () => {
    expect(noPlugin.code, noPlugin.stderr).toBe(3);
    expect(noPlugin.stderr).toContain('kubectl could not get credentials for context kind-mesh-prod: Unable to connect to the server: getting credentials: exec: executable gke-gcloud-auth-plugin not found');
    expect(noPlugin.stderr).not.toContain('refused the credentials');
  });

  it('no current context: exit 3 and says how to choose one', () => {
    expect(noContext.code, noContext.stderr).toBe(3);
    expect(noContext.stderr).toContain('kubectl has no current context (error: current-context is not set)');
    expect(noContext.stderr).toContain('--context NAME');
    expect(readdirSync(noContext.cwd)).toEqual([]);
  });
});

describe('collector summary when collection partly fails', () => {
  it('warns when the credentials may not read istiod\'s pods, and still collects', () => {
    expect(partial.code, partial.stderr).toBe(0);
    expect(partial.stderr).toContain('warning: these credentials may not read pods in istio-system');
    expect(bundleIn(partial.cwd)).toMatch(/\.tar\.gz$/);
  });

  it('quotes the meaningful stderr line, never client-go\'s klog retries', () => {
    const summary = partial.stderr.split('\n');
    expect(summary.find((l) => l.includes('kubernetes/top/shop.txt'))).toContain('exit 1: error: Metrics API not available');
    // only klog lines: their message, without the klog header
    expect(summary.find((l) => l.includes('kubernetes/nodes.json'))).toContain('exit 1: "Unhandled Error" err="couldn\'t get current server API group list');
    expect(partial.stderr).not.toMatch(/E1201 08:54:06/);
  });
});
