/** Values that break naive parsers, shared by the byte-level and the structured mutations. */

/** Numbers that break naive parsing: overflow to Infinity, negative zero, past 2^53 and 2^64. */
export const HUGE_NUMBERS = ['1e999', '-1e999', '-0', '-0.0', '18446744073709551616', '9007199254740993', '1e-999', '0x1F', 'NaN', 'Infinity', '-', '1.', '.5', '00012'];

/** Unicode that trips up text handling: lone surrogates, bidi overrides, zero-width, emoji, combining marks. */
export const ODD_UNICODE = ['\uD800', '\uDFFF', '\u202E', '\u2066', '\u200B', '\u200D', '\uFEFF', '\u00A0', '\u2028', '\u2029', '😀', '👩‍👩‍👧', 'e\u0301', '\u00E9', 'ﬁ', '\u0085', '\u000B', '\u0000', '\t', '\r', '"', '\\', '{', '}', '[', ']', ':', ',', '#', '---\n', '- ', '? ', '&a *a', '!!binary'];

