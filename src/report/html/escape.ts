import { inertText, isDocsUrl } from '../escape.js';

const HTML_SPECIALS: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Text from a bundle as HTML (or SVG) text or attribute value: control characters, terminal escapes
 * and bidi overrides removed first, then every character that could start markup is an entity, so
 * nothing a bundle holds can become an element, an attribute or an entity of its choosing.
 */
export function h(text: string | number): string {
  return inertText(String(text)).replace(/[&<>"']/g, (c) => HTML_SPECIALS[c]!);
}

/** A link to Istio's or Envoy's docs; any other URL is shown as code, never linked. */
export function docsLink(url: string): string {
  return isDocsUrl(url) ? `<a href="${h(url)}" rel="noreferrer">${h(url)}</a>` : `<code>${h(url)}</code>`;
}

/**
 * Rule prose with its `code spans` as <code>: the span boundaries are found in the raw text and
 * each part is escaped on its own, so a span can only ever produce a <code> element.
 */
export function prose(text: string): string {
  const span = /(?<!`)(`+)(?!`)([\s\S]*?[^`])\1(?!`)/g;
  let out = '';
  let last = 0;
  for (const m of text.matchAll(span)) {
    out += h(text.slice(last, m.index)) + `<code>${h(m[2]!)}</code>`;
    last = m.index + m[0].length;
  }
  return out + h(text.slice(last));
}
