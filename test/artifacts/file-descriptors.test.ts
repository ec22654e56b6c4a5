import { describe, expect, it } from 'vitest';
import { ArtifactParseError } from '../../src/artifacts/artifact-kind.js';
import { fileDescriptorsKind } from '../../src/artifacts/file-descriptors/kinds.js';
import { recognise } from '../../src/artifacts/recognise.js';

const parse = (text: string) => fileDescriptorsKind.parse(text, { path: 'proxies/shop/x/fd-count.txt' }).data;

describe('proxy.fileDescriptors (collect.sh fd-count.txt)', () => {
  it('reads the count, the soft limit and the hard limit, one per line', () => {
    expect(parse('87\n1048576\n1048576\n')).toEqual({ open: { value: 87, line: 1 }, soft: { value: 1048576, line: 2 }, hard: { value: 1048576, line: 3 } });
  });

  it('reads the two-line form of earlier collectors, and `unlimited`', () => {
    expect(parse('87\nunlimited\n')).toEqual({ open: { value: 87, line: 1 }, soft: { value: 'unlimited', line: 2 } });
  });

  it('refuses anything else with the line at fault', () => {
    expect(() => parse('87\n')).toThrow(/found 1 non-empty line$/);
    expect(() => parse('sh: ls: not found\n1024\n')).toThrow(/line 1: "sh: ls: not found" is not a count of open file descriptors/);
    expect(() => parse('87\nmany\n')).toThrow(ArtifactParseError);
    expect(() => parse('87\nmany\n')).toThrow(/line 2: "many" is not a file-descriptor limit/);
  });

  it('is recognised by its path only (two numbers say nothing by themselves)', () => {
    expect(recognise('proxies/shop/frontend-6d8f9b7c5-4hxkz/fd-count.txt', undefined, undefined)).toMatchObject({ kind: { id: 'proxy.fileDescriptors' }, context: { namespace: 'shop', pod: 'frontend-6d8f9b7c5-4hxkz' } });
    expect(fileDescriptorsKind.sniff('87\n1048576\n', 'x.txt')).toBe(false);
  });
});
