import { describe, expect, it } from 'vitest';
import { ArtifactParseError } from '../../src/artifacts/artifact-kind.js';
import { serviceNamesKind } from '../../src/artifacts/service-names/kinds.js';
import { tabwrite } from './helpers.js';

const parse = (text: string) => serviceNamesKind.parse(text, { path: 'kubernetes/service-names.txt' }).data;

describe('Service names of every namespace', () => {
  // kubectl's custom-columns printer: tabwriter padding 3, the last cell not padded.
  const customColumns = tabwrite([['NAMESPACE', 'NAME'], ['default', 'kubernetes'], ['istio-system', 'istiod'], ['kube-system', 'kube-dns']], { padding: 3 });

  it('reads the custom-columns listing', () => {
    expect(parse(customColumns).services).toEqual([
      { namespace: 'default', name: 'kubernetes', line: 2 },
      { namespace: 'istio-system', name: 'istiod', line: 3 },
      { namespace: 'kube-system', name: 'kube-dns', line: 4 },
    ]);
  });

  it('reads the default `kubectl get services -A` table by its first two columns', () => {
    const table = tabwrite([
      ['NAMESPACE', 'NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE'],
      ['default', 'kubernetes', 'ClusterIP', '10.96.0.1', '<none>', '443/TCP', '12d'],
      ['istio-system', 'istio-ingressgateway', 'LoadBalancer', '10.96.12.7', '172.18.0.10', '15021:31955/TCP,80:30080/TCP', '12d'],
    ], { padding: 3 });
    expect(parse(table).services.map((s) => `${s.namespace}/${s.name}`)).toEqual(['default/kubernetes', 'istio-system/istio-ingressgateway']);
  });

  it('an empty listing is a cluster without Services', () => {
    expect(parse('').services).toEqual([]);
  });

  it('is recognised by its header only, and refuses other tables', () => {
    expect(serviceNamesKind.sniff(customColumns, 'names.txt')).toBe(true);
    expect(serviceNamesKind.sniff('NAMESPACE   NAME   TYPE   DATA   AGE\n', 'secrets.txt')).toBe(false);
    expect(() => parse('NAME   READY   STATUS\nx   1/1   Running\n')).toThrow(ArtifactParseError);
  });

  it('a row with a namespace but no name is refused, naming its line', () => {
    let error: unknown;
    try {
      parse(`${customColumns}\nistio-system\n`);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ArtifactParseError);
    expect((error as ArtifactParseError).message).toBe('line 6 has no Service name');
    expect((error as ArtifactParseError).line).toBe(6);
  });
});
