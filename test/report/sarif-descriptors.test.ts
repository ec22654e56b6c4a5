import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeBundle } from '../../src/pipeline.js';
import type { Report } from '../../src/report/report.js';
import { bundleUri, pascalCase, renderSarif } from '../../src/report/sarif.js';

/**
 * What a SARIF viewer (GitHub code scanning, VS Code) shows beside a result: the rule's name and
 * its docs link, and what the BUNDLE base of every artifact URI is.
 */
type Log = {
  runs: Array<{
    tool: { driver: { rules: Array<{ id: string; name: string; helpUri?: string }> } };
    originalUriBaseIds: Record<string, { description: { text: string } }>;
  }>;
};

describe('SARIF of samples/data-plane-503', () => {
  let report: Report;
  let log: Log;
  beforeAll(async () => {
    ({ report } = await analyzeBundle(join(import.meta.dirname, '..', '..', 'samples', 'data-plane-503')));
    log = JSON.parse(renderSarif(report)) as Log;
  });

  it('describes the BUNDLE base: the URIs are paths inside the bundle, not on the machine that ran the analysis', () => {
    expect(log.runs[0]!.originalUriBaseIds).toEqual({
      BUNDLE: { description: { text: 'The root of the analysed Istio diagnostic bundle (folder or archive): artifact URIs are paths inside it.' } },
    });
  });

  it("links each rule to its first Istio or Envoy docs page", () => {
    const rules = log.runs[0]!.tool.driver.rules;
    expect(rules.find((r) => r.id === 'CP001')).toMatchObject({ name: 'ProxiesNotSynced', helpUri: 'https://istio.io/latest/docs/ops/diagnostic-tools/proxy-cmd/' });
    const withDocs = report.rules.filter((r) => r.docs.length > 0);
    expect(withDocs.length).toBeGreaterThan(10);
    for (const rule of withDocs) expect(rules.find((r) => r.id === rule.id)!.helpUri, rule.id).toBe(rule.docs[0]);
  });
});

describe('names and URIs', () => {
  it('names a rule from a title that starts and ends with punctuation (a stored report without slugs)', () => {
    // A real CERT002 title: the leading backtick and the trailing one must not produce empty words.
    expect(pascalCase('`cacerts`: `ca-cert.pem` is not signed by `root-cert.pem`')).toBe('CacertsCaCertPemIsNotSignedByRootCertPem');
    expect(pascalCase('proxies-not-synced')).toBe('ProxiesNotSynced');
  });

  it('drops every leading slash of an archive entry, so the URI stays relative to the bundle', () => {
    // A tar written from `/` or with `//` holds entries like `//proxies/...`: a URI starting `/` would escape BUNDLE.
    expect(bundleUri('//proxies/shop/pod-1/config_dump')).toBe('proxies/shop/pod-1/config_dump');
    expect(bundleUri('///istio/analyze.txt')).toBe('istio/analyze.txt');
  });
});
