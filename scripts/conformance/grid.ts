import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { OfflineAnalyzer } from '../../src/analysis/analyzer.js';
import { buildConfigIndex } from '../../src/analysis/config-index.js';
import { originName, type IstioCode } from '../../src/analysis/messages.js';
import { readKubernetesObjects } from '../../src/artifacts/k8s/documents.js';
import { compareText } from '../../src/order.js';
import type { KubernetesObject } from '../../src/artifacts/k8s/resource-schema.js';
import type { ResourceRecord } from '../../src/model/facets.js';

/**
 * Runs the offline analyzers over Istio's analyzer test grid, the way Istio's own test does
 * (test/fixtures/istio-analyzer-grid/README.md), and compares per case and per code.
 */
export const GRID_DIR = new URL('../../test/fixtures/istio-analyzer-grid/', import.meta.url).pathname;

export interface GridCase {
  index: number;
  name: string;
  analyzerName: string;
  inputFiles: string[];
  meshConfigFile: string | null;
  expected: { code: string; origin: string }[];
}

/** Namespaces Istio's file source drops before analysis (`inject.IgnoredNamespaces`). */
const IGNORED_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease', 'local-path-storage']);

export function loadGrid(dir = GRID_DIR): GridCase[] {
  const data = JSON.parse(readFileSync(join(dir, 'EXPECTED.json'), 'utf8')) as { cases: GridCase[] };
  return data.cases;
}

export function loadResources(files: readonly string[], dir = GRID_DIR): ResourceRecord[] {
  return files.flatMap((file) =>
    readKubernetesObjects(readFileSync(join(dir, file), 'utf8'))
      .filter((o) => !IGNORED_NAMESPACES.has(String((o.object.metadata as { namespace?: unknown } | undefined)?.namespace ?? '')))
      .map((o) => ({ object: o.object as KubernetesObject, source: { path: file, ...(o.line !== undefined ? { line: o.line } : {}), ...(o.pointer ? { pointer: o.pointer } : {}) } })),
  );
}

/** The messages of one analyzer on one case, as (code, origin) pairs. */
export function runCase(gridCase: GridCase, analyzer: OfflineAnalyzer, dir = GRID_DIR): { code: string; origin: string }[] {
  const resources = loadResources(gridCase.inputFiles, dir);
  const meshConfig = gridCase.meshConfigFile ? (parseYaml(readFileSync(join(dir, gridCase.meshConfigFile), 'utf8')) as Record<string, unknown>) : undefined;
  const index = buildConfigIndex(resources, [], { defaultNamespace: '', ...(meshConfig ? { meshConfig } : {}) });
  return analyzer.analyze(index).map((m) => {
    const meta = m.resource.object.metadata;
    return { code: m.code, origin: originName(m.resource.object.kind, index.namespaceOf(m.resource) || undefined, meta.name) };
  });
}

export interface CodeRow {
  code: IstioCode;
  analyzer: string;
  cases: number;
  expected: number;
  matched: number;
  missed: string[];
  extra: string[];
}

/** One row per (code, analyzer) we implement: how our messages compare with Istio's on its cases. */
export function conformance(analyzers: readonly OfflineAnalyzer[], grid = loadGrid(), dir = GRID_DIR): CodeRow[] {
  const rows: CodeRow[] = [];
  for (const analyzer of analyzers.filter((a) => !a.beyondIstio)) {
    const cases = grid.filter((c) => c.analyzerName === analyzer.name);
    for (const code of analyzer.codes) {
      const row: CodeRow = { code, analyzer: analyzer.name, cases: 0, expected: 0, matched: 0, missed: [], extra: [] };
      for (const gridCase of cases) {
        const expected = gridCase.expected.filter((e) => e.code === code).map((e) => e.origin);
        const actual = runCase(gridCase, analyzer, dir).filter((m) => m.code === code).map((m) => m.origin);
        row.cases++;
        row.expected += expected.length;
        const remaining = [...actual];
        for (const origin of expected) {
          const at = remaining.indexOf(origin);
          if (at >= 0) {
            remaining.splice(at, 1);
            row.matched++;
          } else row.missed.push(`#${gridCase.index} ${gridCase.name}: ${origin}`);
        }
        row.extra.push(...remaining.map((origin) => `#${gridCase.index} ${gridCase.name}: ${origin}`));
      }
      rows.push(row);
    }
  }
  return rows;
}

/** Codes Istio's grid expects that no offline analyzer of ours produces, with the analyzers that emit them. */
export function notImplemented(analyzers: readonly OfflineAnalyzer[], grid = loadGrid()): { code: string; analyzers: string[] }[] {
  const claimed = new Set(analyzers.flatMap((a) => a.codes.map((code) => `${a.name} ${code}`)));
  const missing = new Map<string, Set<string>>();
  for (const gridCase of grid) {
    for (const e of gridCase.expected) {
      if (claimed.has(`${gridCase.analyzerName} ${e.code}`)) continue;
      const set = missing.get(e.code) ?? new Set<string>();
      set.add(gridCase.analyzerName);
      missing.set(e.code, set);
    }
  }
  return [...missing].map(([code, set]) => ({ code, analyzers: [...set].sort() })).sort((a, b) => compareText(a.code, b.code));
}
