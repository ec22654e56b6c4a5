import type { Source } from '../model/facets.js';
import type { Evidence, Subject } from './rule.js';

/** Evidence excerpts are capped here; renderers escape them. */
export const MAX_EXCERPT_CHARS = 400;

export function excerpt(text: string): string {
  return text.length > MAX_EXCERPT_CHARS ? `${text.slice(0, MAX_EXCERPT_CHARS)}…` : text;
}

export function evidenceAt(source: Source, text?: string, pointerSuffix = ''): Evidence {
  const evidence: Evidence = { path: source.path };
  if (source.line !== undefined) evidence.line = source.line;
  if (source.pointer !== undefined || pointerSuffix) evidence.pointer = (source.pointer ?? '') + pointerSuffix;
  if (text !== undefined) evidence.excerpt = excerpt(text);
  return evidence;
}

export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}

/** The first `shown` of `items` as `format` names them, joined by commas, then `and N more` for the rest. */
export function namedList<T>(items: readonly T[], shown: number, format: (item: T) => string): string {
  const names = items.slice(0, shown).map(format).join(', ');
  return items.length > shown ? `${names} and ${items.length - shown} more` : names;
}

/** A share as people write it: whole percents, one decimal under 1% and over 99%, `<0.1%` below that. */
export function percent(part: number, whole: number): string {
  if (whole === 0 || part === 0) return '0%';
  const share = (part / whole) * 100;
  // 999 of 1,000 is not "100%", nor 9 of 1,000 "1%".
  if (share > 99 && part < whole) return `${Math.min(share, 99.9).toFixed(1)}%`;
  if (share >= 1) return `${Math.round(share)}%`;
  return share < 0.1 ? '<0.1%' : `${share.toFixed(1)}%`;
}

/** A share of a limit, rounded down to one decimal (`89.9%`): never shows a share as reaching a line it has not. */
export function usedPercent(share: number): string {
  return `${(Math.floor(share * 1000) / 10).toFixed(1)}%`;
}

/** A subject as every output writes it: `Service bookinfo/reviews`, `Mesh all proxies`. */
export function subjectText({ kind, namespace, name }: Subject): string {
  return `${kind} ${namespace ? `${namespace}/` : ''}${name}`;
}
