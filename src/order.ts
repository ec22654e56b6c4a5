/**
 * Byte-wise (UTF-16 code unit) ordering for everything the reports sort. `localeCompare` would make
 * the same bundle's report differ between machines with different locales.
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** 1-based line of a character offset. */
export function lineAtOffset(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
