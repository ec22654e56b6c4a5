import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ArtifactParseError } from '../../src/artifacts/artifact-kind.js';
import { BundleIngest } from '../../src/artifacts/ingest.js';
import { LineSplitter } from '../../src/artifacts/entry/line-splitter.js';
import { readKubernetesObjects } from '../../src/artifacts/k8s/documents.js';
import { istiodMetricsKind } from '../../src/artifacts/istiod-metrics/kinds.js';
import { validateValue } from '../../src/artifacts/validate.js';
import { DEFAULT_LIMITS } from '../../src/bundle/limits.js';

/** One entry through the entry boundary, in `chunk`-byte writes as a bundle reader hands them over. */
function ingestOne(path: string, text: string, chunk = 1 << 20) {
  const ingest = new BundleIngest(DEFAULT_LIMITS);
  const bytes = Buffer.from(text);
  const sink = ingest.onEntry({ path, size: bytes.length });
  for (let at = 0; at < bytes.length; at += chunk) sink.write(bytes.subarray(at, at + chunk));
  sink.end();
  return ingest.inventory;
}

describe('fixes found by fuzzing (npm run fuzz)', () => {
  // Found by duplicating the first line of a config dump (`{\n{\n…`): the streaming splitter threw its
  // ArtifactParseError from write(), which the entry boundary takes for an analyzer bug.
  it.each([1 << 20, 3])('a config dump with malformed JSON mid-stream is invalid with the JSON error and its line (chunks of %i bytes)', (chunk) => {
    const dump = '{\n{\n "configs": []\n}\n';
    expect(ingestOne('proxies/shop/frontend-1/config_dump.json', dump, chunk)).toEqual([
      expect.objectContaining({ status: 'invalid', kind: 'envoy.configDump', reason: 'malformed JSON: expected a key, found "{" (byte 2)', line: 2 }),
    ]);
  });

  // Found by inserting a long run of `"` into a resources YAML seed: js-yaml refuses it, and the yaml
  // package, reporting one error per `""`, formatted each with a regex over the whole line (prettyErrors):
  // quadratic, minutes for 300 KB. Only the first error is reported, with the same wording as before.
  it('malformed YAML on one long line of errors is refused in linear time, with the pretty message\'s first line', () => {
    const read = (text: string) => {
      try {
        readKubernetesObjects(text, 'reference');
      } catch (error) {
        return error as ArtifactParseError;
      }
      throw new Error('expected a parse error');
    };
    const started = performance.now();
    const error = read(`apiVersion: v1\nkind: Service\nmetadata: ${'"'.repeat(60_000)}\n`);
    expect(performance.now() - started).toBeLessThan(10_000); // 25 s before the fix
    expect(error).toMatchObject({ message: 'malformed YAML: Unexpected double-quoted-scalar at node end at line 3, column 13:', line: 3 });
    // The wording is the yaml package's pretty message, first line, as before the fix.
    for (const text of ['a: 1\n b: 2\n', 'a: [1, 2\n', '   \n  - x\n y: 1\n', 'kind: "x\n', 'a: 1\na: 2\n', 'a:\n\t- b\n']) {
      const [pretty] = parseAllDocuments(text, { prettyErrors: true }).flatMap((d) => d.errors);
      expect(read(text)).toMatchObject({ message: `malformed YAML: ${pretty!.message.split('\n')[0]}`, line: pretty!.linePos?.[0].line });
    }
  });

  // Found by a run of `\\` in a config dump's key: the splitter decoded keys with a bare JSON.parse.
  it('a config dump key with an invalid escape is malformed JSON, with its line', () => {
    expect(ingestOne('proxies/shop/frontend-1/config_dump.json', '{\n "configs": [],\n "b\\q": 1\n}\n')).toEqual([
      expect.objectContaining({ status: 'invalid', kind: 'envoy.configDump', reason: 'malformed JSON: the key "b\\\\q" has an invalid escape or control character', line: 3 }),
    ]);
  });

  // Found by a 1.1 MB first line in an Envoy stats seed: read in 1 MiB chunks its newline came with the
  // second write and the line passed uncut; in 16 KiB chunks it was cut at the cap. Now cut either way.
  it('a line over the cap is cut the same whatever the chunking', () => {
    const bytes = Buffer.from(`${'a'.repeat(1_100_000)}\nnext\n`);
    const split = (chunk: number) => {
      const lines: Array<[number, number]> = [];
      const splitter = new LineSplitter((line, number) => lines.push([line.length, number]));
      for (let at = 0; at < bytes.length; at += chunk) splitter.write(bytes.subarray(at, at + chunk));
      splitter.end();
      return lines;
    };
    expect(split(1 << 20)).toEqual([[1 << 20, 1], [4, 2]]);
    expect(split(16_384)).toEqual(split(1 << 20));
    expect(split(bytes.length)).toEqual(split(1 << 20));
  });

  // Found by turning a histogram's `_sum` sample into `1e999`: the counters skipped non-finite samples,
  // the histograms summed them, and the summary (schema: numbers) held Infinity.
  it.each(['+Inf', 'NaN', '1e999'])('istiod metrics skip a %s histogram sample like any other non-finite value', (value) => {
    const scanner = istiodMetricsKind.createScanner({ path: 'istiod/istiod-1/metrics.txt' });
    const lines = ['pilot_proxy_convergence_time_sum 1.5', `pilot_proxy_convergence_time_sum ${value}`, 'pilot_proxy_convergence_time_count 3', 'pilot_xds_pushes{type="cds"} 2'];
    lines.forEach((line, i) => scanner.line(line, i + 1));
    const data = scanner.finish();
    expect(validateValue(istiodMetricsKind.schema, data)).toEqual([]);
    expect(data.histograms.pilot_proxy_convergence_time).toMatchObject({ sum: 1.5 });
  });
});
