import { describe, expect, it } from 'vitest';
import { normaliseEntryPath } from '../../src/bundle/entry-path.js';
import { formatBytes, parseSize } from '../../src/bundle/limits.js';

describe('normaliseEntryPath', () => {
  it.each([
    ['bug-report/proxies/default/p/istio-proxy.log', 'bug-report/proxies/default/p/istio-proxy.log'],
    ['./bundle/./manifest.json', 'bundle/manifest.json'],
    ['bundle//out///x.txt', 'bundle/out/x.txt'],
    ['bundle\\out\\x.txt', 'bundle/out/x.txt'],
    ['bug-report/proxies/ns/p/config_dump?include_eds', 'bug-report/proxies/ns/p/config_dump?include_eds'],
    ['bundle/..data/x', 'bundle/..data/x'],
  ])('%j → %j', (raw, path) => {
    expect(normaliseEntryPath(raw)).toEqual({ ok: true, path });
  });

  it.each([
    ['../escape.txt', 'unsafe path: contains ".."'],
    ['bundle/../../etc/x', 'unsafe path: contains ".."'],
    ['bundle\\..\\x', 'unsafe path: contains ".."'],
    ['/etc/x', 'unsafe path: absolute path'],
    ['\\\\server\\share\\x', 'unsafe path: absolute path'],
    ['C:\\Windows\\x', 'unsafe path: Windows drive letter'],
    ['c:x', 'unsafe path: Windows drive letter'],
    ['a\0b', 'unsafe path: contains a NUL byte'],
    ['./', 'empty path'],
    ['', 'empty path'],
  ])('%j is refused: %s', (raw, reason) => {
    expect(normaliseEntryPath(raw)).toEqual({ ok: false, reason });
  });
});

describe('limits', () => {
  it('parseSize reads CLI sizes', () => {
    expect(parseSize('64MiB')).toBe(64 * 1024 * 1024);
    expect(parseSize('2G')).toBe(2 * 1024 ** 3);
    expect(parseSize('100k')).toBe(102_400);
    expect(parseSize('1000000')).toBe(1_000_000);
    expect(parseSize(' 1.5 KiB ')).toBe(1536);
    expect(() => parseSize('lots')).toThrow('invalid size "lots"');
  });

  it('formatBytes picks the unit', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(3000)).toBe('2.9 KiB');
    expect(formatBytes(64 * 1024 * 1024)).toBe('64.0 MiB');
    expect(formatBytes(8 * 1024 ** 3 - 1)).toBe('8.0 GiB');
  });
});
