/**
 * collect.sh and the analyzer share one vocabulary of artifact kinds: every kind the collector
 * names in its manifest is in the catalogue, and every command an analysed kind tells the customer
 * to run is one collect.sh runs (its variables and the kind's <placeholders> stand for any value).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ARTIFACT_KINDS } from '../../src/artifacts/registry.js';
import { kindsCatalogue } from '../../src/artifacts/vocabulary.js';
import { COLLECTOR } from './helpers.js';

/** `run KIND PATH META -- command…` lines of collect.sh, with the command as words. */
function collectorRuns(): Array<{ kind: string; words: string[] }> {
  const script = readFileSync(COLLECTOR, 'utf8');
  return [...script.matchAll(/^\s*run ([a-zA-Z0-9]+\.[a-zA-Z]+) .*? -- (.+)$/gm)].map((m) => {
    const words = (m[2]!.match(/"[^"]*"|'[^']*'|\S+/g) ?? []).filter((w) => !w.startsWith('${since_flag'));
    return { kind: m[1]!, words: words.map((w, i) => (i === 0 && w === 'k' ? 'kubectl' : i === 0 && w === 'ic' ? 'istioctl' : w)) };
  });
}

const isVariable = (word: string) => word.includes('$');
const isPlaceholder = (word: string) => /^<[^>]+>$/.test(word);

function matches(kindWords: string[], shWords: string[]): boolean {
  if (kindWords.length !== shWords.length) return false;
  return kindWords.every((w, i) => {
    const sh = shWords[i]!;
    if (sh === '"$tail_flag"') return /^--tail=-?\d+$/.test(w);
    return w === sh || w === sh.replace(/^'(.*)'$/, '$1') || isVariable(sh) || isPlaceholder(w);
  });
}

describe('one vocabulary with collect.sh', () => {
  const runs = collectorRuns();
  const catalogue = new Set(kindsCatalogue().map((k) => k.id));

  it('reads the collector\'s run lines', () => {
    expect(runs.length).toBeGreaterThan(20);
  });

  it('every kind collect.sh writes is in the catalogue', () => {
    expect([...new Set(runs.map((r) => r.kind))].filter((kind) => !catalogue.has(kind))).toEqual([]);
  });

  // Bundle bookkeeping and istioctl bug-report files are not written by collect.sh commands.
  const collected = ARTIFACT_KINDS.filter((k) => !['bundle.manifest', 'collector.stderr', 'bugReport.clusterContext', 'bugReport.versions'].includes(k.id) && k.notCollected === undefined);
  it.each(ARTIFACT_KINDS.filter((k) => k.notCollected !== undefined).map((k) => [k.id, k] as const))('%s: not collected by collect.sh, and says why', (_id, kind) => {
    expect(runs.filter((r) => r.kind === kind.id)).toEqual([]);
    expect(kind.notCollected!.length).toBeGreaterThan(20);
  });
  it.each(collected.map((k) => [k.id, k] as const))('%s: each command it names is one collect.sh runs for it', (_id, kind) => {
    const ours = runs.filter((r) => r.kind === kind.id);
    expect(ours.length, `collect.sh writes no ${kind.id}`).toBeGreaterThan(0);
    for (const command of kind.collect) {
      // Words as sh splits them: a quoted script (`sh -c '…'`) or a <placeholder> is one word.
      const words = command.replace(/\s+#.*$/, '').trim().match(/'[^']*'|"[^"]*"|<[^>]*>|\S+/g) ?? [];
      expect(
        ours.some((r) => matches(words, r.words)),
        `${kind.id}: "${command}" is not among what collect.sh runs:\n${ours.map((r) => r.words.join(' ')).join('\n')}`,
      ).toBe(true);
    }
  });
});
