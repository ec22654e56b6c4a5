import { distance } from 'fastest-levenshtein';
import { compareText } from '../order.js';

/** Typos worth suggesting a correction for: one or two edits, and never more than a third of the name. */
const MAX_EDITS = 2;

/**
 * The candidate a mistyped name most likely meant: letter case first (`Reviews` → `reviews`),
 * then the closest by edit distance; undefined when nothing is close or two candidates tie.
 */
export function nearestName(name: string, candidates: readonly string[]): string | undefined {
  const unique = [...new Set(candidates)].filter((c) => c !== name);
  const sameLetters = unique.filter((c) => c.toLowerCase() === name.toLowerCase());
  if (sameLetters.length === 1) return sameLetters[0];
  const limit = Math.min(MAX_EDITS, Math.floor(name.length / 3));
  const scored = unique.map((c) => ({ c, d: distance(name, c) })).filter((s) => s.d <= limit).sort((a, b) => a.d - b.d || compareText(a.c, b.c));
  if (scored.length === 0) return undefined;
  if (scored.length > 1 && scored[1]!.d === scored[0]!.d) return undefined;
  return scored[0]!.c;
}
