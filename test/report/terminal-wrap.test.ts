import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeBundle } from '../../src/pipeline.js';
import { catalogueOf } from '../../src/report/catalogue.js';
import { renderRulesTable, renderRuleText, renderTable } from '../../src/report/table.js';
import { RULES } from '../../src/rules/registry.js';

/** The terminal outputs: severity colours, the "Not checked" lines, the rules table and `explain`. */
const SAMPLE = join(import.meta.dirname, '..', '..', 'samples', 'data-plane-503');

describe('the terminal summary of samples/data-plane-503', () => {
  it('colours each severity with its own code: critical bold red, high red, info dim', async () => {
    const { report } = await analyzeBundle(SAMPLE);
    const severities = renderTable(report, { color: true })
      .split('\n')
      .filter((line) => /^│ \d /.test(line))
      .map((line) => line.split('│')[2]!.trim());
    expect(severities).toEqual(['\u001b[1;31mcritical\u001b[0m', '\u001b[1;31mcritical\u001b[0m', '\u001b[31mhigh\u001b[0m', '\u001b[31mhigh\u001b[0m', '\u001b[2minfo\u001b[0m']);
  });

  it('lists each rule not checked with why and the first command to run, then the inventory', async () => {
    const { report } = await analyzeBundle(SAMPLE);
    const lines = renderTable(report).trimEnd().split('\n');
    const at = lines.indexOf('Not checked:');
    expect(at).toBeGreaterThan(0);
    expect(lines.slice(at + 1)).toEqual([
      '  CERT001: none of envoy.configDump, envoy.certs in the bundle — run: istioctl proxy-config all <pod> -n <namespace> -o json',
      '  CERT002: no proxy certificate in the bundle: its config dumps hold no SDS secrets (`default`, `ROOTCA`) and there is no Envoy /certs, nor the cacerts CA and root — run: istioctl proxy-config secret <pod> -n <namespace> -o json',
      '  CERT003: no CA certificate in the bundle (the cacerts / istio-ca-secret public fields, the istio-ca-root-cert ConfigMap, or a proxy\'s roots) — run: kubectl get configmap istio-ca-root-cert -n istio-system -o json',
      "  CP005: Could not be checked: istiod's resources: the bundle shows at least 4 Services, fewer than the 100 from which the default resources no longer do; istiod's measured memory against the Services' estimate (a lower-bound count understates it). — run: kubectl get services -A -o custom-columns=NAMESPACE:.metadata.namespace,NAME:.metadata.name",
      '  FD001: proxy.fileDescriptors not in the bundle — run: kubectl exec <pod> -n <namespace> -c istio-proxy -- sh -c \'ls -1 /proc/[0-9]*/fd 2>/dev/null | grep -c "^[0-9]"; ulimit -n; ulimit -H -n\'',
      '  MC001: kubectl.secretNames not in the bundle — run: kubectl get secrets -n istio-system',
      '  MEM002: envoy.configDump not in the bundle — run: istioctl proxy-config all <pod> -n <namespace> -o json',
      '  TP001: envoy.configDump not in the bundle — run: istioctl proxy-config all <pod> -n <namespace> -o json',
      '  TP002: envoy.configDump not in the bundle — run: istioctl proxy-config all <pod> -n <namespace> -o json',
      'Inventory: 18 used, 0 not analysed, 0 invalid, 0 not recognised, 0 skipped (--format md or json for details)',
    ]);
  });

  it('has no "Not checked:" line when every rule had its inputs', async () => {
    const { report } = await analyzeBundle(SAMPLE);
    expect(renderTable({ ...report, notChecked: [] })).not.toContain('Not checked');
  });
});

describe('istio-bundle rules and explain', () => {
  const catalogue = catalogueOf(RULES);
  const cfg002 = catalogue.find((r) => r.id === 'CFG002')!;
  const cp001 = catalogue.find((r) => r.id === 'CP001')!;

  it('the rules table heads its columns and lists the Istio analysis codes a rule stands in for', () => {
    const lines = renderRulesTable([cp001, cfg002]).split('\n');
    const cells = (line: string) => line.split('│').slice(1, -1).map((c) => c.trim());
    expect(cells(lines[1]!)).toEqual(['id', 'severity', 'step', 'title', 'Istio codes', 'inputs']);
    expect(cells(lines[5]!)).toEqual(['CFG002', 'critical', 'configuration', 'a VirtualService routes to a host no Service or ServiceEntry defines', 'IST0101 IST0112', 'k8s.resources, kubectl.pods, istioctl.analyze']);
  });

  it('explain names the Istio analysis codes only for a rule that has them', () => {
    // An engineer who has `istioctl analyze` output looks for its codes here.
    const lines = (rule: typeof cfg002) => renderRuleText(rule).trimEnd().split('\n');
    expect(lines(cfg002).slice(-3)).toEqual([
      'Istio analysis codes derived offline: IST0101, IST0112',
      'Inputs: k8s.resources, kubectl.pods, istioctl.analyze',
      'Docs: https://istio.io/latest/docs/reference/config/networking/virtual-service/#Destination https://istio.io/latest/docs/reference/config/analysis/ist0101/',
    ]);
    expect(lines(cp001).some((line) => line.startsWith('Istio analysis codes'))).toBe(false);
  });
});
