/** The text encodings command outputs arrive in. */
export type TextEncoding = 'utf8' | 'utf16le';

/**
 * Windows PowerShell 5 redirects command output as UTF-16LE: recognise it by its byte-order mark,
 * or by NUL in every other byte of ASCII text.
 */
export function detectEncoding(head: Buffer): TextEncoding | 'utf16be' {
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf16be';
  // Without a BOM: ASCII text in UTF-16LE has a NUL in (nearly) every odd byte and none in the even ones.
  const sample = head.subarray(0, 512);
  if (sample.length >= 16) {
    let oddZeros = 0;
    let evenZeros = 0;
    for (let i = 0; i < sample.length; i++) if (sample[i] === 0) i % 2 === 1 ? oddZeros++ : evenZeros++;
    if (evenZeros === 0 && oddZeros >= 0.9 * Math.floor(sample.length / 2)) return 'utf16le';
  }
  return 'utf8';
}

export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
