/**
 * detectEncoding (src/artifacts/entry/encoding.ts): Windows PowerShell 5 redirects command output as
 * UTF-16LE, with or without its byte-order mark. Without one, ASCII text has a NUL in (nearly) every
 * odd byte: at least 90 % of them, and none in the even ones.
 */
import { describe, expect, it } from 'vitest';
import { detectEncoding } from '../../src/artifacts/entry/encoding.js';

/** 20 UTF-16LE code units (40 bytes), `ascii` of them ASCII (odd byte NUL), the rest U+0101 (odd byte 0x01). */
const units = (ascii: number) => Buffer.from('a'.repeat(ascii) + '\u0101'.repeat(20 - ascii), 'utf16le');

describe('detectEncoding', () => {
  it('by the byte-order mark: FF FE is UTF-16LE, FE FF UTF-16BE', () => {
    expect(detectEncoding(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('NAME', 'utf16le')]))).toBe('utf16le');
    expect(detectEncoding(Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('NAME', 'utf16le').swap16()]))).toBe('utf16be');
    expect(detectEncoding(Buffer.from('NAME                      CDS        LDS\n'))).toBe('utf8');
  });

  it('without one, UTF-16LE from 90 % NUL odd bytes: 18 of 20 is, 17 is not, 19 is', () => {
    expect(units(18)).toHaveLength(40);
    expect(detectEncoding(units(18))).toBe('utf16le');
    expect(detectEncoding(units(17))).toBe('utf8');
    expect(detectEncoding(units(19))).toBe('utf16le');
    expect(detectEncoding(units(20))).toBe('utf16le');
  });

  it('a NUL in an even byte, or fewer than 16 bytes to judge by, is not UTF-16LE', () => {
    const withEvenNul = Buffer.from(units(20));
    withEvenNul[4] = 0;
    expect(detectEncoding(withEvenNul)).toBe('utf8');
    expect(detectEncoding(Buffer.from('abcdefg', 'utf16le'))).toBe('utf8'); // 14 bytes
    expect(detectEncoding(Buffer.from('abcdefgh', 'utf16le'))).toBe('utf16le'); // 16 bytes
  });
});
