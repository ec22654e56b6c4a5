import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import AjvDraft04 from 'ajv-draft-04';
import addFormatsImport from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeBundle } from '../../src/pipeline.js';
import type { NumberedFinding, Report } from '../../src/report/report.js';
import { RENDERERS } from '../../src/report/renderers.js';
import { bundleUri, pascalCase, renderSarif } from '../../src/report/sarif.js';
import type { Evidence, Severity } from '../../src/rules/rule.js';
import { tempDir, writeTree } from '../bundle/helpers.js';

const ROOT = join(import.meta.dirname, '..', '..');
const SAMPLES = readdirSync(join(ROOT, 'samples'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name !== 'dist')
  .map((d) => d.name)
  .sort();

// CommonJS packages: under NodeNext their classes are the `default` of the default import.
const Ajv = AjvDraft04.default;
const addFormats = addFormatsImport.default;
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validateSarif = ajv.compile(JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'sarif', 'sarif-schema-2.1.0.json'), 'utf8')) as object);

/** The subset of SARIF the tests read. */
type SarifLocation = {
  id?: number;
  physicalLocation: {
    artifactLocation: { uri: string; uriBaseId: string };
    region?: { startLine: number; snippet?: { text: string } };
    properties?: { jsonPointer?: string; excerpt?: string };
  };
  logicalLocations?: Array<{ name: string; fullyQualifiedName: string }>;
};
type SarifResult = {
  ruleId: string;
  ruleIndex?: number;
  level?: string;
  message: { text: string };
  locations?: SarifLocation[];
  relatedLocations?: SarifLocation[];
  partialFingerprints: Record<string, string>;
  suppressions?: Array<{ kind: string; justification: string }>;
  properties?: Record<string, unknown>;
};
type SarifRule = { id: string; name: string; helpUri?: string; help: { text: string }; defaultConfiguration: { level: string }; properties: { step: string; severity: string; tags: string[] } };
type SarifLog = {
  $schema: string;
  version: string;
  runs: Array<{ tool: { driver: { name: string; version: string; informationUri?: string; rules: SarifRule[] } }; originalUriBaseIds: Record<string, { description: { text: string } }>; results: SarifResult[] }>;
};

function schemaErrors(log: unknown): string[] {
  return validateSarif(log) ? [] : (validateSarif.errors ?? []).map((e: { instancePath: string; message?: string; params: unknown }) => `${e.instancePath} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}

const parse = (text: string) => JSON.parse(text) as SarifLog;
/** Written independently of the renderer's table, so a wrong mapping there fails here. */
const EXPECTED_LEVEL: Record<Severity, string> = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' };
/** A finding's evidence in SARIF order: the first item is the location, the others related locations. */
const evidenceLocations = (r: SarifResult) => [...(r.locations ?? []), ...(r.relatedLocations ?? [])];

const reports = new Map<string, Report>();
beforeAll(async () => {
  for (const name of SAMPLES) reports.set(name, (await analyzeBundle(join(ROOT, 'samples', name))).report);
});

describe('--format sarif', () => {
  it('is a registered renderer', () => {
    expect(RENDERERS.sarif.id).toBe('sarif');
    expect(SAMPLES.length).toBeGreaterThanOrEqual(8);
  });

  describe.each(SAMPLES)('samples/%s', (name) => {
    it('validates against the SARIF 2.1.0 schema', () => {
      expect(schemaErrors(parse(renderSarif(reports.get(name)!)))).toEqual([]);
    });

    it('is deterministic: 2-space JSON with a trailing newline, the same bytes every time', () => {
      const report = reports.get(name)!;
      const text = renderSarif(report);
      expect(renderSarif(structuredClone(report))).toBe(text);
      expect(text).toBe(`${JSON.stringify(JSON.parse(text), null, 2)}\n`);
    });

    it('has one run with the tool and one reporting descriptor per catalogue rule', () => {
      const report = reports.get(name)!;
      const log = parse(renderSarif(report));
      expect(log.version).toBe('2.1.0');
      expect(log.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
      expect(log.runs).toHaveLength(1);
      const { driver } = log.runs[0]!.tool;
      expect(driver).toMatchObject({ name: 'istio-bundle-analyzer', version: report.tool.version });
      expect(driver.informationUri).toBeUndefined();
      expect(driver.rules.map((r) => r.id)).toEqual(report.rules.map((r) => r.id));
      for (const [i, rule] of report.rules.entries()) {
        const descriptor = driver.rules[i]!;
        expect(descriptor.name).toBe(pascalCase(rule.slug));
        expect(descriptor.name).toMatch(/^[A-Z][A-Za-z0-9]*$/);
        expect(descriptor.help.text).toBe(rule.remediation);
        expect(descriptor.defaultConfiguration.level).toBe(EXPECTED_LEVEL[rule.severity]);
        expect(descriptor.properties).toMatchObject({ step: rule.step, severity: rule.severity });
        expect(descriptor.properties.tags).toContain(rule.step);
        if (descriptor.helpUri !== undefined) expect(rule.docs).toContain(descriptor.helpUri);
        expect(descriptor.helpUri ?? '').toMatch(/^(https:\/\/(istio\.io|www\.envoyproxy\.io)\/.*)?$/);
      }
      expect(Object.keys(log.runs[0]!.originalUriBaseIds)).toEqual(['BUNDLE']);
    });

    it('has one result per finding, in document order, pointing at its rule with the right level', () => {
      const report = reports.get(name)!;
      const { tool, results } = parse(renderSarif(report)).runs[0]!;
      const ordered = [...report.findings].sort((a, b) => a.number - b.number);
      expect(results).toHaveLength(report.findings.length);
      for (const [i, finding] of ordered.entries()) {
        const r = results[i]!;
        expect(r.ruleId).toBe(finding.ruleId);
        expect(tool.driver.rules[r.ruleIndex!]!.id).toBe(finding.ruleId);
        expect(r.level).toBe(EXPECTED_LEVEL[finding.severity]);
        expect(r.partialFingerprints).toEqual({ 'istioBundleFinding/v1': finding.fingerprint });
        expect(r.properties).toMatchObject({ number: finding.number, severity: finding.severity, step: finding.step, subject: finding.subject });
        expect(r.message.text).toContain(finding.subject.name);
        expect(r.message.text.endsWith(finding.explanation)).toBe(true);
        expect(r.suppressions).toBeUndefined();
      }
    });

    it('turns every evidence item into a location: encoded path, line, pointer and excerpt', () => {
      const report = reports.get(name)!;
      const { results } = parse(renderSarif(report)).runs[0]!;
      const ordered = [...report.findings].sort((a, b) => a.number - b.number);
      for (const [i, finding] of ordered.entries()) {
        const r = results[i]!;
        expect(r.locations ?? []).toHaveLength(finding.evidence.length > 0 ? 1 : 0);
        expect((r.relatedLocations ?? []).map((l) => l.id)).toEqual(finding.evidence.slice(1).map((_, j) => j + 1));
        evidenceLocations(r).forEach((loc, j) => expectEvidence(loc, finding.evidence[j]!));
      }
    });
  });

  it('maps severities on known findings: critical and high are errors, medium a warning, low a note', () => {
    const levelOf = (sample: string, ruleId: string) => {
      const report = reports.get(sample)!;
      const results = parse(renderSarif(report)).runs[0]!.results;
      return results.find((r) => r.ruleId === ruleId)?.level;
    };
    expect(levelOf('control-plane-failure', 'CP001')).toBe('error');
    expect(levelOf('control-plane-failure', 'CP009')).toBe('error');
    expect(levelOf('control-plane-failure', 'CP006')).toBe('warning');
    expect(levelOf('healthy', 'CFG001')).toBe('note');
    expect(levelOf('config-faults', 'LOG009')).toBe('note');
  });

  it('puts an evidence line in region.startLine and a JSON pointer in the properties and a logical location', () => {
    const report = reports.get('data-plane-503')!;
    const index = report.findings.findIndex((f) => f.evidence.some((e) => e.path === 'istio/analyze.txt' && e.line === 1));
    expect(index).toBeGreaterThanOrEqual(0);
    const finding = report.findings[index]!;
    const r = parse(renderSarif(report)).runs[0]!.results[finding.number - 1]!;
    const locations = evidenceLocations(r);
    const byLine = locations.find((l) => l.physicalLocation.artifactLocation.uri === 'istio/analyze.txt')!;
    expect(byLine.physicalLocation.region?.startLine).toBe(1);
    expect(byLine.physicalLocation.region?.snippet?.text).toContain('IST0101');
    const withPointer = finding.evidence.findIndex((e) => e.pointer);
    const pointer = finding.evidence[withPointer]!.pointer!;
    expect(locations[withPointer]!.physicalLocation.properties?.jsonPointer).toBe(pointer);
    expect(locations[withPointer]!.logicalLocations).toEqual([{ name: pointer.split('/').pop(), fullyQualifiedName: pointer }]);
    expect(locations[withPointer]!.physicalLocation.region).toBeUndefined();
  });

  it('makes hostile text inert and encodes hostile paths; a finding without evidence is still a valid result', () => {
    const base = reports.get('data-plane-503')!;
    const hostile: NumberedFinding = {
      ...base.findings[0]!,
      number: 1,
      title: '\x1b[31mred\x1b[0m title',
      explanation: 'Look \x1b]8;;https://evil.example\x07here\x1b]8;;\x07 now\x07.',
      evidence: [
        { path: 'logs/my pod #1/100% done?.log', line: 7, excerpt: 'boom \x1b[2J cleared' },
        { path: 'a:b/c', pointer: '/items/0/metadata/labels/app.kubernetes.io~1name', excerpt: '"x\x1b[1m"' },
      ],
    };
    const bare: NumberedFinding = { ...base.findings[1]!, number: 2, evidence: [] };
    const suppressedFinding = { fingerprint: 'fp-sup', ruleId: base.findings[0]!.ruleId, title: 'known \x1b[5mblink', severity: 'medium', subject: { kind: 'Pod', namespace: 'shop', name: 'p\x1b[2K1' }, reason: 'accepted\x1b[0m risk', source: 'suppressions.yaml' } as const;
    // A report stored before suppressed findings carried their severity and subject.
    const legacy = { fingerprint: 'fp-old', ruleId: 'NOPE999', title: 'old one', reason: 'legacy' } as unknown as typeof suppressedFinding;
    const report: Report = { ...base, findings: [hostile, bare], suppressed: [suppressedFinding, legacy] };
    const text = renderSarif(report);
    const log = parse(text);
    expect(schemaErrors(log)).toEqual([]);
    expect(text).not.toMatch(/\\u001b|\\u0007/);
    const [first, second, suppressed, old] = log.runs[0]!.results;
    expect(first!.message.text).toMatch(/^red title \(/);
    expect(first!.message.text).toContain('Look here now\uFFFD.');
    const [loc, related] = evidenceLocations(first!);
    expect(loc!.physicalLocation.artifactLocation).toEqual({ uri: 'logs/my%20pod%20%231/100%25%20done%3F.log', uriBaseId: 'BUNDLE' });
    expect(decodeURIComponent(loc!.physicalLocation.artifactLocation.uri)).toBe('logs/my pod #1/100% done?.log');
    expect(loc!.physicalLocation.region).toEqual({ startLine: 7, snippet: { text: 'boom  cleared' } });
    expect(related!.physicalLocation.artifactLocation.uri).toBe('a%3Ab/c');
    expect(related!.physicalLocation.properties).toEqual({ jsonPointer: '/items/0/metadata/labels/app.kubernetes.io~1name', excerpt: '"x"' });
    expect(related!.logicalLocations).toEqual([{ name: 'app.kubernetes.io/name', fullyQualifiedName: '/items/0/metadata/labels/app.kubernetes.io~1name' }]);
    expect(second!.locations).toBeUndefined();
    expect(second!.relatedLocations).toBeUndefined();
    expect(suppressed).toEqual({
      ruleId: base.findings[0]!.ruleId,
      ruleIndex: log.runs[0]!.tool.driver.rules.findIndex((r) => r.id === base.findings[0]!.ruleId),
      level: 'warning',
      message: { text: 'known blink (Pod shop/p1).' },
      suppressions: [{ kind: 'external', status: 'accepted', justification: 'accepted risk', properties: { source: 'suppressions.yaml' } }],
      partialFingerprints: { 'istioBundleFinding/v1': 'fp-sup' },
    });
    // Unknown rule: no ruleIndex; no severity: no level (SARIF falls back to the rule's default).
    expect(old).toEqual({ ruleId: 'NOPE999', message: { text: 'old one.' }, suppressions: [{ kind: 'external', status: 'accepted', justification: 'legacy' }], partialFingerprints: { 'istioBundleFinding/v1': 'fp-old' } });
  });

  it('keeps suppressed findings of a real run as suppressed results, after the findings', async () => {
    const full = reports.get('control-plane-failure')!;
    const target = full.findings.find((f) => f.ruleId === 'CP009')!;
    const suppressions = [{ rule: 'CP009', fingerprint: target.fingerprint, reason: 'discussed in ticket 4711', source: 'test entry 1' }];
    const { report } = await analyzeBundle(join(ROOT, 'samples', 'control-plane-failure'), { findings: { suppressions } });
    const log = parse(renderSarif(report));
    expect(schemaErrors(log)).toEqual([]);
    const { results } = log.runs[0]!;
    expect(results).toHaveLength(full.findings.length);
    expect(results.slice(0, -1).every((r) => r.suppressions === undefined)).toBe(true);
    expect(results.at(-1)).toMatchObject({
      ruleId: 'CP009',
      level: 'error',
      suppressions: [{ kind: 'external', status: 'accepted', justification: 'discussed in ticket 4711' }],
      partialFingerprints: { 'istioBundleFinding/v1': target.fingerprint },
    });
  });

  it('encodes bundle paths segment by segment', () => {
    expect(bundleUri('proxies/shop/pod-1/config_dump?include_eds')).toBe('proxies/shop/pod-1/config_dump%3Finclude_eds');
    expect(bundleUri('/abs/ü x')).toBe('abs/%C3%BC%20x');
    expect(bundleUri('bad\uD800name')).toBe('bad%EF%BF%BDname');
  });

  it('fails the schema on an invalid log (the validator is not vacuous)', () => {
    const log = parse(renderSarif(reports.get('healthy')!));
    (log.runs[0]!.results[0] as { level: string }).level = 'critical';
    expect(schemaErrors(log).join('\n')).toContain('level');
  });
});

function expectEvidence(loc: SarifLocation, e: Evidence): void {
  const { physicalLocation: phys } = loc;
  expect(decodeURIComponent(phys.artifactLocation.uri)).toBe(e.path);
  expect(phys.artifactLocation.uri).not.toMatch(/[ #?]/);
  expect(phys.artifactLocation.uriBaseId).toBe('BUNDLE');
  expect(phys.region?.startLine).toBe(e.line);
  if (e.pointer) {
    expect(phys.properties?.jsonPointer).toBe(e.pointer);
    expect(loc.logicalLocations?.[0]?.fullyQualifiedName).toBe(e.pointer);
  } else expect(loc.logicalLocations).toBeUndefined();
  // A snippet is the region's own text: with a pointer the line is the document's start and the excerpt the value pointed at.
  const quotesTheLine = e.line !== undefined && e.pointer === undefined;
  expect(quotesTheLine ? phys.region?.snippet?.text : phys.properties?.excerpt).toBe(e.excerpt);
  if (!quotesTheLine) expect(phys.region?.snippet).toBeUndefined();
}

describe('a folder of Istio YAML, as a CI job would scan it', () => {
  /** A VirtualService routing to a subset its DestinationRule does not define, with its Service: two files of a repository. */
  const FILES: Record<string, string> = {
    'mesh/reviews.yaml': [
      'apiVersion: networking.istio.io/v1',
      'kind: VirtualService',
      'metadata:',
      '  name: reviews',
      '  namespace: bookinfo',
      'spec:',
      '  hosts:',
      '  - reviews',
      '  http:',
      '  - route:',
      '    - destination:',
      '        host: reviews',
      '        subset: v3',
      '---',
      'apiVersion: networking.istio.io/v1',
      'kind: DestinationRule',
      'metadata:',
      '  name: reviews',
      '  namespace: bookinfo',
      'spec:',
      '  host: reviews',
      '  subsets:',
      '  - name: v1',
      '    labels:',
      '      version: v1',
      '',
    ].join('\n'),
    'mesh/services.yaml': ['apiVersion: v1', 'kind: Service', 'metadata:', '  name: reviews', '  namespace: bookinfo', 'spec:', '  selector:', '    app: reviews', '  ports:', '  - name: http', '    port: 9080', ''].join('\n'),
  };

  it('gives a valid SARIF log whose result points at the file, the document and the field', async () => {
    const dir = await tempDir();
    await writeTree(dir, FILES);
    const { report } = await analyzeBundle(dir);
    const log = parse(renderSarif(report));
    expect(schemaErrors(log)).toEqual([]);
    const [result, ...others] = log.runs[0]!.results;
    expect(others).toEqual([]);
    expect(result!.ruleId).toBe('CFG003');
    expect(result!.level).toBe('error');
    const location = result!.locations![0]!.physicalLocation;
    expect(location.artifactLocation.uri).toBe('mesh/reviews.yaml');
    // The VirtualService's document starts on line 1; the pointer names the field inside it.
    expect(location.region).toEqual({ startLine: 1 });
    expect(location.properties).toEqual({ jsonPointer: '/spec/http/0/route/0/destination/subset', excerpt: 'v3' });
  });
});
