import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeBundle } from '../../src/pipeline.js';
import { expectedIstiodMemoryBytes, SERVICE_SIZING } from '../../src/rules/control-plane/istiod-sizing.js';
import { buildConfigIndex } from '../../src/analysis/config-index.js';
import { labelSelectorMatches } from '../../src/analysis/object-access.js';
import { serviceCount } from '../../src/rules/control-plane/service-count.js';
import { tempDir, writeTree } from '../bundle/helpers.js';

/** The istio-system listing (Services, EndpointSlices, istiod Deployment at 500m/2Gi) of a CP005 fixture. */
const istioSystem = readFileSync(new URL('../rules/CP005/fires-100-services-default-resources/bundle/kubernetes/resources/istio-system.json', import.meta.url), 'utf8');

/** A `kubectl get services -n <ns> -o json` List of `count` Services. */
function serviceList(namespace: string, count: number): string {
  const items = Array.from({ length: count }, (_, i) => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: `${namespace}-api-${String(i + 1).padStart(3, '0')}`, namespace },
    spec: { ports: [{ name: 'http', port: 8080, protocol: 'TCP', targetPort: 8080 }], selector: { app: `${namespace}-api-${i + 1}` }, type: 'ClusterIP' },
  }));
  return `${JSON.stringify({ apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } }, null, 4)}\n`;
}

describe('CP005 without a cluster-wide Service listing', () => {
  it('a lower bound of 150 proves the 100–1000 tier, and says the rest is not checked', async () => {
    const dir = await tempDir();
    await writeTree(dir, { 'kubernetes/resources/istio-system.json': istioSystem, 'kubernetes/resources/shop.json': serviceList('shop', 147) });
    const { report } = await analyzeBundle(dir);
    const [finding, ...more] = report.findings.filter((f) => f.ruleId === 'CP005');
    expect(more).toEqual([]);
    expect(finding?.explanation).toContain("At least 150 Services, per the bundle's Service listings (no cluster-wide `kubectl get services -A`): from 100 on");
    const notChecked = report.notChecked.filter((n) => n.ruleId === 'CP005');
    expect(notChecked.map((n) => n.reason)).toEqual(['Could not be checked: whether istiod needs nodes of its own and several replicas (over 1000 Services): the bundle shows at least 150.']);
    expect(report.rulesChecked).toContain('CP005');
  });
});

describe('an empty cluster-wide Service listing is a failed command, not a cluster without Services', () => {
  // `kubectl get services -A … > kubernetes/service-names.txt` leaves an empty file when kubectl fails (its error goes to stderr).
  it('the per-namespace listings give the lower bound, and the finding says the cluster-wide one is empty', async () => {
    const dir = await tempDir();
    await writeTree(dir, { 'kubernetes/service-names.txt': '', 'kubernetes/resources/istio-system.json': istioSystem, 'kubernetes/resources/shop.json': serviceList('shop', 147) });
    const { report } = await analyzeBundle(dir);
    const cp005 = report.findings.filter((f) => f.ruleId === 'CP005');
    expect(cp005).toHaveLength(1);
    expect(cp005[0]!.explanation).toContain("At least 150 Services, per the bundle's Service listings (the cluster-wide one, `kubernetes/service-names.txt`, is empty): from 100 on");
    expect(cp005[0]!.explanation).not.toMatch(/\b0 Services/);
  });

  it('with no other listing the count is unknown, and the reason names the empty file', () => {
    const index = buildConfigIndex([], []);
    expect(serviceCount(index, [{ path: 'kubernetes/service-names.txt', services: [] }])).toEqual({
      unknown: '`kubernetes/service-names.txt` lists no Service, though every cluster has `default/kubernetes`: the command that wrote it failed or was cut short',
    });
    expect(serviceCount(index, [])).toEqual({ unknown: 'the bundle has no Service listing' });
  });

  it('a listing with Services is the exact count, beside an empty one', () => {
    const index = buildConfigIndex([], []);
    const listed = { path: 'cluster/service-names.txt', services: [{ namespace: 'default', name: 'kubernetes', line: 2 }, { namespace: 'istio-system', name: 'istiod', line: 3 }] };
    const count = serviceCount(index, [{ path: 'kubernetes/service-names.txt', services: [] }, listed]);
    expect(count).toMatchObject({ count: 2, complete: true, basis: 'the cluster-wide Service listing (`cluster/service-names.txt`)' });
  });
});

describe('CP005 sizing data', () => {
  it('expects 200 MiB + 200 MiB per 1000 Services', () => {
    expect(expectedIstiodMemoryBytes(0)).toBe(200 * 2 ** 20);
    expect(expectedIstiodMemoryBytes(1000)).toBe(400 * 2 ** 20);
    expect(expectedIstiodMemoryBytes(2500)).toBe(700 * 2 ** 20);
    expect(SERVICE_SIZING.memoryBytes).toBeLessThan(4 * 2 ** 30); // `4G` meets "4 GB", and so does `4Gi`
  });

  it('reads discoverySelectors as Kubernetes LabelSelectors', () => {
    const labels = { 'istio-injection': 'enabled', team: 'shop' };
    expect(labelSelectorMatches({}, labels)).toBe(true);
    expect(labelSelectorMatches({ matchLabels: { team: 'shop' } }, labels)).toBe(true);
    expect(labelSelectorMatches({ matchLabels: { team: 'ads' } }, labels)).toBe(false);
    expect(labelSelectorMatches({ matchExpressions: [{ key: 'team', operator: 'In', values: ['ads', 'shop'] }] }, labels)).toBe(true);
    expect(labelSelectorMatches({ matchExpressions: [{ key: 'team', operator: 'NotIn', values: ['shop'] }] }, labels)).toBe(false);
    expect(labelSelectorMatches({ matchExpressions: [{ key: 'istio.io/rev', operator: 'DoesNotExist' }] }, labels)).toBe(true);
    expect(labelSelectorMatches({ matchExpressions: [{ key: 'istio.io/rev', operator: 'Exists' }] }, labels)).toBe(false);
    expect(labelSelectorMatches({ matchLabels: { team: 'shop' }, matchExpressions: [{ key: 'x', operator: 'Unknown' }] }, labels)).toBe(false);
  });
});
