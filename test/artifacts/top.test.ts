import { describe, expect, it } from 'vitest';
import { ArtifactParseError } from '../../src/artifacts/artifact-kind.js';
import { parseTop, topKind } from '../../src/artifacts/top/kinds.js';
import { topSchema } from '../../src/artifacts/top/schema.js';
import { validateValue } from '../../src/artifacts/validate.js';
import { fixture, tabwrite } from './helpers.js';

const MiB = 2 ** 20;

function parseError(text: string): ArtifactParseError {
  try {
    parseTop(text);
  } catch (error) {
    expect(error).toBeInstanceOf(ArtifactParseError);
    return error as ArtifactParseError;
  }
  throw new Error('expected parseTop to throw');
}

describe('parseTop (kubectl top pod)', () => {
  it('reads the corpus `kubectl top pod --containers` output', () => {
    const data = parseTop(fixture('kubectl-top-pod-containers.txt'), 'services');
    expect(data.perContainer).toBe(true);
    expect(data.rows).toEqual([
      {
        line: 2,
        namespace: 'services',
        pod: 'cray-hms-hmcollector-7c5b797c5c-zxt67',
        container: 'istio-proxy',
        cpuMillicores: 187,
        memoryBytes: 275 * MiB,
        text: 'cray-hms-hmcollector-7c5b797c5c-zxt67   istio-proxy            187m         275Mi',
      },
      {
        line: 3,
        namespace: 'services',
        pod: 'cray-hms-hmcollector-7c5b797c5c-zxt67',
        container: 'cray-hms-hmcollector',
        cpuMillicores: 4398,
        memoryBytes: 296 * MiB,
        text: 'cray-hms-hmcollector-7c5b797c5c-zxt67   cray-hms-hmcollector   4398m        296Mi',
      },
    ]);
    expect(validateValue(topSchema, data)).toEqual([]);
  });

  it('tolerates the trailing blanks kubectl writes after every cell (each cell is "%v\\t")', () => {
    const text = tabwrite(
      [
        ['POD', 'NAME', 'CPU(cores)', 'MEMORY(bytes)'],
        ['istiod-7d4885fc54-lzx9z', 'discovery', '12m', '98Mi'],
      ],
      { padding: 3, terminated: true },
    );
    const line = text.split('\n')[1]!;
    expect(line).toMatch(/98Mi {3,}$/);
    const [row] = parseTop(text).rows;
    expect(row).toMatchObject({ pod: 'istiod-7d4885fc54-lzx9z', container: 'discovery', cpuMillicores: 12, memoryBytes: 98 * MiB });
    expect(row!.text).toBe(line.trimEnd()); // evidence keeps the row, without the trailing blanks
    expect(row!.text).toMatch(/98Mi$/);
  });

  it('reads the pod-level table (no --containers): NAME is the pod, no container', () => {
    const text = tabwrite(
      [
        ['NAME', 'CPU(cores)', 'MEMORY(bytes)'],
        ['istio-ingressgateway-7d6874b48f-qxhn5', '4m', '45Mi'],
        ['istiod-7d4885fc54-lzx9z', '1200m', '1200Mi'],
      ],
      { padding: 3, terminated: true },
    );
    const data = parseTop(text, 'istio-system');
    expect(data.perContainer).toBe(false);
    expect(data.rows.map((r) => [r.line, r.namespace, r.pod, r.container, r.cpuMillicores, r.memoryBytes])).toEqual([
      [2, 'istio-system', 'istio-ingressgateway-7d6874b48f-qxhn5', undefined, 4, 45 * MiB],
      [3, 'istio-system', 'istiod-7d4885fc54-lzx9z', undefined, 1200, 1200 * MiB],
    ]);
  });

  it('reads `-A --containers`: the NAMESPACE column wins over the namespace from the path', () => {
    const text = tabwrite(
      [
        ['NAMESPACE', 'POD', 'NAME', 'CPU(cores)', 'MEMORY(bytes)'],
        ['istio-system', 'istiod-7d4885fc54-lzx9z', 'discovery', '5m', '60Mi'],
        ['default', 'productpage-v1-d5789fdfb-6x7b9', 'istio-proxy', '3m', '40Mi'],
      ],
      { padding: 3, terminated: true },
    );
    const data = parseTop(text, 'from-path');
    expect(data.perContainer).toBe(true);
    expect(data.rows.map((r) => [r.namespace, r.pod, r.container])).toEqual([
      ['istio-system', 'istiod-7d4885fc54-lzx9z', 'discovery'],
      ['default', 'productpage-v1-d5789fdfb-6x7b9', 'istio-proxy'],
    ]);
  });

  it('a row with 3 cells where the header has 4 throws naming the line', () => {
    const text = `${fixture('kubectl-top-pod-containers.txt')}cray-hms-hmcollector-7c5b797c5c-zxt67   istio-proxy   187m\n`;
    const error = parseError(text);
    expect(error.line).toBe(4);
    expect(error.message).toBe('line 4 has 3 columns where `kubectl top pod --containers` prints 4 (POD, NAME, CPU(cores), MEMORY(bytes))');
  });

  it('a short row of the pod-level table names plain `kubectl top pod` (no --containers) in its error', () => {
    const text = tabwrite(
      [
        ['NAME', 'CPU(cores)', 'MEMORY(bytes)'],
        ['istiod-7d4885fc54-lzx9z', '5m'],
      ],
      { padding: 3, terminated: true },
    );
    const error = parseError(text);
    expect(error.line).toBe(2);
    expect(error.message).toBe('line 2 has 2 columns where `kubectl top pod` prints 3 (NAME, CPU(cores), MEMORY(bytes))');
  });

  it('a memory cell that is not a quantity throws even when the CPU cell is one', () => {
    const error = parseError('POD     NAME     CPU(cores)     MEMORY(bytes)\np     c     5m     <unknown>\n');
    expect(error.line).toBe(2);
    expect(error.message).toBe('line 2: "5m" / "<unknown>" are not CPU and memory quantities');
  });

  it('a cell that is not a quantity throws naming the line', () => {
    const error = parseError('POD     NAME     CPU(cores)     MEMORY(bytes)\np     c     <unknown>     40Mi\n');
    expect(error.line).toBe(2);
    expect(error.message).toContain('"<unknown>"');
  });

  it("kubectl's own no-data messages are zero rows, anything else is an error", () => {
    expect(parseTop('No resources found in istio-system namespace.\n')).toEqual({ perContainer: false, rows: [] });
    expect(parseTop('error: Metrics API not available\n').rows).toEqual([]);
    expect(parseError('hello world\n').message).toContain('no `kubectl top pod` header');
  });

  it('is sniffed by its header, and found by path with the namespace in the name', () => {
    expect(topKind.sniff(fixture('kubectl-top-pod-containers.txt'), 'x')).toBe(true);
    expect(topKind.sniff('NAME     CPU(cores)   CPU%   MEMORY(bytes)   MEMORY%\n', 'x')).toBe(false); // `top node` has extra columns first
    expect(topKind.paths.some((p) => p.exec('kubernetes/top/istio-system.txt')?.groups?.namespace === 'istio-system')).toBe(true);
  });
});

describe('kubectl top of a namespace without pods', () => {
  it('is an empty table, not an invalid one (kubectl says "No resources found" on stderr)', () => {
    expect(parseTop('')).toEqual({ perContainer: false, rows: [] });
    expect(parseTop('\n')).toEqual({ perContainer: false, rows: [] });
  });
});
