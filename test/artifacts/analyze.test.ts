import { describe, expect, it } from 'vitest';
import { analyzeKind, parseAnalyzeStructured, parseAnalyzeText } from '../../src/artifacts/analyze/kinds.js';
import { analyzeSchema } from '../../src/artifacts/analyze/schema.js';
import { ArtifactParseError } from '../../src/artifacts/artifact-kind.js';
import { validateValue } from '../../src/artifacts/validate.js';

const parse = (text: string) => analyzeKind.parse(text, { path: 'analyze.out' }).data;

/** Messages of the analyzer testdata (istio-facts.md §2.4 format; EXPECTED.md rows 24, 38, 40, 19). */
const TEXT = [
  'Error [IST0101] (VirtualService default/reviews-bogushost testdata/virtualservice_destinationhosts.yaml:12) Referenced host not found: "reviews-bogus"',
  'Error [IST0145] (Gateway istio-system/alpha) Conflict with gateways istio-system/beta (workload selector istio=ingressgateway, port 80, hosts foo.bar).',
  'Warning [IST0103] (Pod default/noninjectedpod) The pod default/noninjectedpod is missing the Istio proxy. This can often be resolved by restarting or redeploying the workload.',
  "Info [IST0102] (Namespace bar) The namespace is not enabled for Istio injection. Run 'kubectl label namespace bar istio-injection=enabled' to enable it, or 'kubectl label namespace bar istio-injection=disabled' to explicitly mark it as not needing injection.",
  'Error [IST0101] [cluster-east] (VirtualService default/cross-test) Referenced gateway not found: "bogus-gateway"',
].join('\n');

describe('istioctl analyze, default text (-o log)', () => {
  it('reads level, code, origin, reference, cluster and message per line', () => {
    const data = parse(TEXT);
    expect(data.format).toBe('text');
    expect(data.messages).toHaveLength(5);
    expect(data.messages[0]).toEqual({
      line: 1,
      level: 'Error',
      code: 'IST0101',
      origin: { kind: 'VirtualService', namespace: 'default', name: 'reviews-bogushost' },
      reference: 'testdata/virtualservice_destinationhosts.yaml:12',
      message: 'Referenced host not found: "reviews-bogus"',
      text: TEXT.split('\n')[0],
    });
    expect(data.messages[1]!.message).toBe('Conflict with gateways istio-system/beta (workload selector istio=ingressgateway, port 80, hosts foo.bar).');
    expect(data.messages[2]).toMatchObject({ line: 3, level: 'Warning', code: 'IST0103', origin: { kind: 'Pod', namespace: 'default', name: 'noninjectedpod' } });
    expect(data.messages[2]!.reference).toBeUndefined();
    expect(validateValue(analyzeSchema, data)).toEqual([]);
  });

  it('reads a cluster-scoped origin `(Namespace bar)` without a namespace', () => {
    const message = parse(TEXT).messages[3]!;
    expect(message.origin).toEqual({ kind: 'Namespace', name: 'bar' });
    expect(message.level).toBe('Info');
  });

  it('reads the `[cluster-<id>]` of multi-cluster analysis', () => {
    const message = parse(TEXT).messages[4]!;
    expect(message.cluster).toBe('east');
    expect(message.origin).toEqual({ kind: 'VirtualService', namespace: 'default', name: 'cross-test' });
  });

  it('strips the ANSI colours istioctl adds on a terminal and keeps line numbers', () => {
    const coloured = [
      '\x1b[1;31mError\x1b[0m [IST0101] (VirtualService default/reviews-bogushost) Referenced host not found: "reviews-bogus"',
      '\x1b[33mWarning\x1b[0m [IST0132] (VirtualService default/cross-test) one or more host [*] defined in VirtualService default/cross-test not found in Gateway default/httpbin-gateway.',
    ].join('\n');
    const data = parse(coloured);
    expect(data.messages.map((m) => [m.line, m.level, m.code])).toEqual([
      [1, 'Error', 'IST0101'],
      [2, 'Warning', 'IST0132'],
    ]);
    expect(data.messages[1]!.text).not.toContain('\x1b');
    expect(analyzeKind.sniff(coloured, 'x')).toBe(true);
  });

  it('ignores the stderr side channel mixed into the file', () => {
    const text = `${TEXT.split('\n')[0]}\nError: Analyzers found issues when analyzing all namespaces.\nSee https://istio.io/v1.20/docs/reference/config/analysis for more information about causes and resolutions.\n`;
    expect(parse(text).messages.map((m) => m.code)).toEqual(['IST0101']);
  });

  it('`✔ No validation issues found …` is zero messages', () => {
    const data = parse('✔ No validation issues found when analyzing namespace: default.\n');
    expect(data).toEqual({ format: 'text', messages: [] });
    expect(analyzeKind.sniff('✔ No validation issues found when analyzing all namespaces.\n', 'x')).toBe(true);
  });

  it('reads a message without a resource: diag.Message.String() then writes no origin', () => {
    const [message] = parse('Error [IST0001] Internal error: the analyzer could not read the mesh config\n').messages;
    expect(message).toEqual({ line: 1, level: 'Error', code: 'IST0001', message: 'Internal error: the analyzer could not read the mesh config', text: 'Error [IST0001] Internal error: the analyzer could not read the mesh config' });
  });

  it('a message quoted inside another line (a CI log, a pasted note) is neither a message nor sniffed as analyze output', () => {
    const quoted = `2024-05-14T09:00:00Z step 3: ${TEXT.split('\n')[0]}`;
    expect(parse(`${TEXT.split('\n')[2]}\n${quoted}\n`).messages.map((m) => m.line)).toEqual([1]);
    expect(analyzeKind.sniff(`${quoted}\n`, 'x')).toBe(false);
  });

  it('a line that looks like a message but does not parse throws naming the line', () => {
    let error: unknown;
    try {
      parseAnalyzeText(`${TEXT}\nError [IST01] truncated`);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ArtifactParseError);
    expect((error as ArtifactParseError).line).toBe(6);
  });
});

/** `json.MarshalIndent(messages, "", "\t")`: alphabetical keys, TAB indentation. */
const JSON_OUTPUT = `[
\t{
\t\t"code": "IST0101",
\t\t"documentationUrl": "https://istio.io/v1.20/docs/reference/config/analysis/ist0101/?ref=istioctl-analyze",
\t\t"level": "Error",
\t\t"message": "Referenced host not found: \\"reviews-bogus\\"",
\t\t"origin": "VirtualService default/reviews-bogushost",
\t\t"reference": "testdata/virtualservice_destinationhosts.yaml:12"
\t},
\t{
\t\t"code": "IST0102",
\t\t"documentationUrl": "https://istio.io/v1.20/docs/reference/config/analysis/ist0102/?ref=istioctl-analyze",
\t\t"level": "Info",
\t\t"message": "The namespace is not enabled for Istio injection.",
\t\t"origin": "Namespace bar"
\t}
]
`;

describe('istioctl analyze -o json / -o yaml', () => {
  it('reads the TAB-indented JSON array with pointers', () => {
    const data = parse(JSON_OUTPUT);
    expect(data.format).toBe('json');
    expect(data.messages.map((m) => [m.pointer, m.level, m.code])).toEqual([
      ['/0', 'Error', 'IST0101'],
      ['/1', 'Info', 'IST0102'],
    ]);
    expect(data.messages[0]).toMatchObject({
      message: 'Referenced host not found: "reviews-bogus"',
      origin: { kind: 'VirtualService', namespace: 'default', name: 'reviews-bogushost' },
      reference: 'testdata/virtualservice_destinationhosts.yaml:12',
      documentationUrl: 'https://istio.io/v1.20/docs/reference/config/analysis/ist0101/?ref=istioctl-analyze',
    });
    expect(data.messages[1]!.origin).toEqual({ kind: 'Namespace', name: 'bar' });
    expect(analyzeKind.sniff(JSON_OUTPUT, 'x')).toBe(true);
    expect(validateValue(analyzeSchema, data)).toEqual([]);
  });

  it('reads the YAML list (sigs.k8s.io/yaml, same keys)', () => {
    const yaml = [
      '- code: IST0101',
      '  documentationUrl: https://istio.io/v1.20/docs/reference/config/analysis/ist0101/?ref=istioctl-analyze',
      '  level: Error',
      '  message: \'Referenced host not found: "reviews-bogus"\'',
      '  origin: VirtualService default/reviews-bogushost',
      '- code: IST0118',
      '  documentationUrl: https://istio.io/v1.20/docs/reference/config/analysis/ist0118/?ref=istioctl-analyze',
      '  level: Info',
      '  message: Port name  (port=42, targetPort=0) doesn\'t follow the naming convention of Istio port.',
      '  origin: Service my-namespace1/my-service1',
      '',
    ].join('\n');
    const data = parse(yaml);
    expect(data.format).toBe('yaml');
    expect(data.messages.map((m) => [m.pointer, m.code, m.origin?.name])).toEqual([
      ['/0', 'IST0101', 'reviews-bogushost'],
      ['/1', 'IST0118', 'my-service1'],
    ]);
    expect(data.messages[0]!.message).toBe('Referenced host not found: "reviews-bogus"');
    expect(analyzeKind.sniff(yaml, 'x')).toBe(true);
  });

  it('an empty result `[]` is zero messages', () => {
    expect(parse('[]\n')).toEqual({ format: 'json', messages: [] });
    expect(parseAnalyzeStructured('[]\n', 'yaml')).toEqual({ format: 'yaml', messages: [] });
  });

  it('schema validation catches a message with a bad level or code', () => {
    const data = parse('[{"code":"IST0101","level":"Fatal","message":"x"}]');
    const [violation] = validateValue(analyzeSchema, data);
    expect(violation!.pointer).toBe('/messages/0/level');
  });

  it('malformed JSON and non-lists are refused', () => {
    expect(() => parse('[\n\t{\n\t\t"code": "IST0101",\n\t}\n]')).toThrow(ArtifactParseError);
    expect(() => parseAnalyzeStructured('{"code":"IST0101"}', 'json')).toThrow('expected a JSON list of analyzer messages');
  });
});
