import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { clusterContextKind, versionsKind } from '../../src/artifacts/bug-report/kinds.js';

const VERSIONS = readFileSync(new URL('../fixtures/bug-report/bug-report/versions', import.meta.url), 'utf8');
const context = { path: 'bug-report/versions' };

describe('istioctl bug-report `versions`', () => {
  it('reads the istioctl, control plane and proxy versions (Go %#v of BuildInfo/MeshInfo)', () => {
    expect(versionsKind.parse(VERSIONS, context).data).toEqual({ cli: '1.22.3', controlPlane: ['1.22.3'], proxies: ['1.22.3'] });
  });

  it('takes Version, not GolangVersion, from a BuildInfo', () => {
    const text = VERSIONS.replace('Info:version.BuildInfo{Version:"1.22.3", GitRevision:"2dc9b0b2d4a3c5bf6f9e8e0d8c2d1c4e5f6a7b8c", GolangVersion:""', 'Info:version.BuildInfo{Version:"1.22.3", GitRevision:"2dc9b0b2d4a3c5bf6f9e8e0d8c2d1c4e5f6a7b8c", GolangVersion:"go1.22.5"');
    expect(text).toContain('GolangVersion:"go1.22.5", BuildStatus:"Clean", GitTag:"1.22.3"}}}');
    expect(versionsKind.parse(text, context).data.controlPlane).toEqual(['1.22.3']);
  });

  it('lists every proxy version of every revision once', () => {
    const text = VERSIONS.replace('Revision default: Versions {1.22.3}', 'Revision default: Versions {1.24.0, 1.23.2}\nRevision canary: Versions {1.24.0}');
    expect(versionsKind.parse(text, context).data.proxies).toEqual(['1.24.0', '1.23.2']);
  });

  it('refuses a file with no version in it', () => {
    expect(() => versionsKind.parse('CLI version:\nerror: no such file\n', context)).toThrow('no istioctl, control plane or proxy version');
  });
});

describe('istioctl bug-report `cluster/cluster-context`', () => {
  it('is the context name, then the API server', () => {
    expect(clusterContextKind.parse('kind-bookinfo\nhttps://127.0.0.1:37261\n', { path: 'cluster/cluster-context' }).data).toEqual({ context: 'kind-bookinfo', server: 'https://127.0.0.1:37261' });
    expect(() => clusterContextKind.parse('\n', { path: 'cluster/cluster-context' })).toThrow('empty');
  });
});
