import { describe, expect, it } from 'vitest';
import { ArtifactParseError } from '../../src/artifacts/artifact-kind.js';
import { istioctlVersionKind } from '../../src/artifacts/istioctl-version/kinds.js';
import { fixture } from './helpers.js';

const parse = (text: string) => istioctlVersionKind.parse(text, { path: 'istio/version.json' }).data;

describe('istioctl version', () => {
  it('reads -o json with its mixed key casing (istioctl 1.11: Component "pilot", no Type)', () => {
    expect(parse(fixture('istioctl-version.json'))).toEqual({
      format: 'json',
      client: '1.11.1',
      controlPlane: [{ component: 'pilot', version: '1.11.1' }],
      proxies: [{ id: 'istio-ingressgateway-59ccd8f5-cpwxx.istio-system', version: '1.11.1' }],
    });
  });

  it('skips the warning istioctl prints before the JSON when no control plane runs', () => {
    expect(parse(fixture('istioctl-version-no-control-plane.txt'))).toEqual({ format: 'json', client: '1.11.2', controlPlane: [], proxies: [] });
  });

  it('reads the 1.2x shape: revision, istiod, proxy type', () => {
    const text = JSON.stringify({
      clientVersion: { version: '1.24.0', revision: 'x', golang_version: 'go1.23.2', status: 'Clean', tag: '1.24.0' },
      meshVersion: [{ Component: 'istiod', Revision: 'default', Info: { version: '1.24.0', revision: 'x', golang_version: '', status: 'Clean', tag: '1.24.0' } }],
      dataPlaneVersion: [{ ID: 'sleep-7b5c9f4d8-x2lqp.default', IstioVersion: '1.23.2', Type: 'sidecar' }],
    });
    expect(parse(text)).toEqual({
      format: 'json',
      client: '1.24.0',
      controlPlane: [{ component: 'istiod', revision: 'default', version: '1.24.0' }],
      proxies: [{ id: 'sleep-7b5c9f4d8-x2lqp.default', version: '1.23.2', type: 'sidecar' }],
    });
  });

  it('reads the text form, proxies counted per release', () => {
    const text = 'client version: 1.24.0\ncontrol plane version: 1.24.0\ndata plane version: 1.24.0 (4 proxies), 1.22.1 (1 proxies)\n';
    expect(parse(text)).toEqual({ format: 'text', client: '1.24.0', controlPlane: [{ version: '1.24.0' }], proxies: [{ version: '1.24.0', count: 4 }, { version: '1.22.1', count: 1 }] });
  });

  it('is recognised by content, and refuses what is not istioctl version', () => {
    expect(istioctlVersionKind.sniff(fixture('istioctl-version.json'), 'v.json')).toBe(true);
    expect(istioctlVersionKind.sniff('client version: 1.24.0\n', 'v.txt')).toBe(true);
    expect(istioctlVersionKind.sniff('{"items": []}', 'x.json')).toBe(false);
    expect(() => parse('hello\n')).toThrow(ArtifactParseError);
  });
});
