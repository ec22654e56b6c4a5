import { describe, expect, it } from 'vitest';
import { ArtifactParseError } from '../../src/artifacts/artifact-kind.js';
import { remoteClusterOf, secretNamesKind } from '../../src/artifacts/secret-names/kinds.js';
import { tabwrite } from './helpers.js';

const TABLE_PATH = 'kubernetes/secrets/istio-system.txt';
const REMOTE_PATH = 'kubernetes/secrets/remote-secrets.txt';
const parse = (text: string, path = TABLE_PATH, namespace: string | undefined = 'istio-system') => secretNamesKind.parse(text, { path, ...(namespace ? { namespace } : {}) }).data;
const pathMatch = (path: string) => secretNamesKind.paths.map((p) => p.exec(path)).find((m) => m !== null);

describe('Secret names and types (kubectl get secrets), never values', () => {
  // kubectl's table printer: tabwriter padding 3, the last cell not padded.
  const table = tabwrite([
    ['NAME', 'TYPE', 'DATA', 'AGE'],
    ['cacerts', 'Opaque', '4', '41d'],
    ['istio-ca-secret', 'istio.io/ca-root', '5', '41d'],
    ['istio-remote-secret-cluster2', 'Opaque', '1', '12d'],
    ['sh.helm.release.v1.istiod.v1', 'helm.sh/release.v1', '1', '41d'],
  ], { padding: 3 });

  it('reads the `kubectl get secrets -n istio-system` table: names and types, the namespace from the path', () => {
    expect(parse(table)).toEqual({
      listing: 'table',
      namespace: 'istio-system',
      secrets: [
        { namespace: 'istio-system', name: 'cacerts', type: 'Opaque', line: 2 },
        { namespace: 'istio-system', name: 'istio-ca-secret', type: 'istio.io/ca-root', line: 3 },
        { namespace: 'istio-system', name: 'istio-remote-secret-cluster2', type: 'Opaque', line: 4 },
        { namespace: 'istio-system', name: 'sh.helm.release.v1.istiod.v1', type: 'helm.sh/release.v1', line: 5 },
      ],
    });
  });

  it('reads a `-A` table by its NAMESPACE column', () => {
    const all = tabwrite([['NAMESPACE', 'NAME', 'TYPE', 'DATA', 'AGE'], ['istio-system', 'istio-remote-secret-west', 'Opaque', '1', '3d']], { padding: 3 });
    expect(parse(all, 'secrets.txt', undefined).secrets).toEqual([{ namespace: 'istio-system', name: 'istio-remote-secret-west', type: 'Opaque', line: 2 }]);
  });

  it('reads the `istio/multiCluster=true` listing; an empty one is an answer (no remote secret)', () => {
    expect(parse('istio-system/istio-remote-secret-cluster2\nistio-system/istio-remote-secret-east\n', REMOTE_PATH, undefined)).toEqual({
      listing: 'multi-cluster-label',
      secrets: [
        { namespace: 'istio-system', name: 'istio-remote-secret-cluster2', line: 1 },
        { namespace: 'istio-system', name: 'istio-remote-secret-east', line: 2 },
      ],
    });
    expect(parse('', REMOTE_PATH, undefined)).toEqual({ listing: 'multi-cluster-label', secrets: [] });
    expect(() => parse('NAME   TYPE\n', REMOTE_PATH, undefined)).toThrow(ArtifactParseError);
  });

  it('is recognised by collect.sh paths (remote-secrets.txt is no namespace) and by its header', () => {
    expect(pathMatch(TABLE_PATH)?.groups?.namespace).toBe('istio-system');
    expect(pathMatch(REMOTE_PATH)?.groups?.namespace).toBeUndefined();
    expect(secretNamesKind.sniff(table, 'x.txt')).toBe(true);
    expect(secretNamesKind.sniff('NAMESPACE   NAME   TYPE   CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE\n', 'services.txt')).toBe(false);
    expect(() => parse('NAME   READY   STATUS\nx   1/1   Running\n')).toThrow(ArtifactParseError);
  });

  it('an empty `kubectl get secrets` table is no Secret, and blank lines before the header are skipped', () => {
    // kubectl prints "No resources found" on stderr: stdout, the file, is empty.
    expect(parse('')).toEqual({ listing: 'table', namespace: 'istio-system', secrets: [] });
    expect(parse(`\n${table}`).secrets.map((s) => [s.name, s.line])).toEqual([
      ['cacerts', 3],
      ['istio-ca-secret', 4],
      ['istio-remote-secret-cluster2', 5],
      ['sh.helm.release.v1.istiod.v1', 6],
    ]);
  });

  it('a row short of the header\'s cells (name and type but no AGE) is not a `kubectl get secrets` row', () => {
    const truncated = `${table}istio-ca-root-cert   Opaque   1\n`;
    expect(() => parse(truncated)).toThrow(new ArtifactParseError('line 6 is not a `kubectl get secrets` row', 6));
    // With NAMESPACE first, four cells are one short; five are a row.
    const header = 'NAMESPACE      NAME                       TYPE     DATA   AGE\n';
    expect(() => parse(`${header}istio-system   istio-remote-secret-west   Opaque   1\n`, 'secrets.txt', undefined)).toThrow('line 2 is not a `kubectl get secrets` row');
    expect(parse(`${header}istio-system   istio-remote-secret-west   Opaque   1      3d\n`, 'secrets.txt', undefined).secrets).toEqual([{ namespace: 'istio-system', name: 'istio-remote-secret-west', type: 'Opaque', line: 2 }]);
  });

  it('keeps no DATA count or value', () => {
    expect(JSON.stringify(parse(table))).not.toMatch(/"41d"|"data"/i);
  });

  it('names the remote cluster by `istioctl create-remote-secret`\'s prefix', () => {
    expect(remoteClusterOf('istio-remote-secret-cluster2')).toBe('cluster2');
    expect(remoteClusterOf('istio-remote-secret-')).toBeUndefined();
    expect(remoteClusterOf('istio-ca-secret')).toBeUndefined();
  });
});
