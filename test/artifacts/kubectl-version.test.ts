import { describe, expect, it } from 'vitest';
import { ArtifactParseError } from '../../src/artifacts/artifact-kind.js';
import { kubectlVersionKind } from '../../src/artifacts/kubectl-version/kinds.js';
import { fixture } from './helpers.js';

const parse = (text: string) => kubectlVersionKind.parse(text, { path: 'kubernetes/version.json' }).data;

describe('kubectl version', () => {
  it('reads -o json without a server part (the API server did not answer, or --client)', () => {
    expect(parse(fixture('kubectl-version.json'))).toEqual({
      format: 'json',
      client: { gitVersion: 'v1.26.1', major: '1', minor: '26', platform: 'linux/amd64' },
      kustomize: 'v4.5.7',
    });
  });

  it('leaves out a kustomizeVersion that is empty or not a string, as a missing one', () => {
    const json = JSON.parse(fixture('kubectl-version.json')) as Record<string, unknown>;
    for (const kustomizeVersion of ['', 5, null]) expect(parse(JSON.stringify({ ...json, kustomizeVersion })), String(kustomizeVersion)).not.toHaveProperty('kustomize');
  });

  it('reads the server of an EKS cluster, minor with its `+`', () => {
    expect(parse(fixture('kubectl-version-eks.json')).server).toEqual({ gitVersion: 'v1.16.15-eks-ad4801', major: '1', minor: '16+', platform: 'linux/amd64' });
  });

  it('skips a warning line kubectl prints before the JSON', () => {
    const text = `Warning: version difference between client (1.21) and server (1.16) exceeds the supported minor version skew of +/-1\n${fixture('kubectl-version-eks.json')}`;
    expect(parse(text).server?.gitVersion).toBe('v1.16.15-eks-ad4801');
  });

  it('reads the text form of kubectl ≥ 1.28 (what istioctl bug-report writes to cluster/kubectl-version)', () => {
    expect(parse(fixture('kubectl-version.txt'))).toEqual({ format: 'text', client: { gitVersion: 'v1.33.5' }, server: { gitVersion: 'v1.33.3' }, kustomize: 'v5.6.0' });
  });

  it('reads the older text form (Go %#v of version.Info) between its WARNING lines', () => {
    expect(parse(fixture('kubectl-version-legacy.txt'))).toEqual({
      format: 'text',
      client: { gitVersion: 'v1.25.0', major: '1', minor: '25', platform: 'linux/amd64' },
      server: { gitVersion: 'v1.20.15', major: '1', minor: '20', platform: 'linux/amd64' },
      kustomize: 'v4.5.7',
    });
  });

  it('takes the Kubernetes release of `oc version`, not OpenShift\'s', () => {
    const text = 'Client Version: 4.14.16\nKustomize Version: v5.0.1\nServer Version: 4.14.16\nKubernetes Version: v1.27.10+c79e5e2\n';
    expect(parse(text).server).toEqual({ gitVersion: 'v1.27.10+c79e5e2' });
  });

  it('is recognised by content apart from istioctl version, and refuses what is not kubectl version', () => {
    for (const name of ['kubectl-version.json', 'kubectl-version-eks.json', 'kubectl-version.txt', 'kubectl-version-legacy.txt']) expect(kubectlVersionKind.sniff(fixture(name), 'v'), name).toBe(true);
    expect(kubectlVersionKind.sniff(fixture('istioctl-version.json'), 'v.json')).toBe(false);
    expect(kubectlVersionKind.paths.some((p) => p.test('bug-report/cluster/kubectl-version'))).toBe(true);
    expect(() => parse('{"kind": "List"}')).toThrow(ArtifactParseError);
    expect(() => parse('hello\n')).toThrow(ArtifactParseError);
  });
});
