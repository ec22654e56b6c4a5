import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { JsonSplitter, type JsonPath } from '../../src/artifacts/envoy/json-splitter.js';
import { ArtifactParseError } from '../../src/artifacts/parse-error.js';

/** What the splitter hands over, fed in chunks of `size` bytes. */
function split(text: string | Buffer, select: (path: JsonPath) => boolean, size: number, maxSelectDepth = 4) {
  const taken: Array<{ path: string; value: unknown; line: number }> = [];
  const splitter = new JsonSplitter({ select, maxSelectDepth, maxDepth: 64, take: (path, json, line) => taken.push({ path: path.join('/'), value: JSON.parse(json), line }) });
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8');
  for (let at = 0; at < bytes.length; at += size) splitter.write(bytes.subarray(at, at + size));
  splitter.end();
  return taken;
}

/** The same selection done by walking the fully parsed document. */
function reference(value: unknown, select: (path: JsonPath) => boolean, maxSelectDepth = 4, path: (string | number)[] = []): Array<{ path: string; value: unknown }> {
  if (path.length > 0 && path.length <= maxSelectDepth && select(path)) return [{ path: path.join('/'), value }];
  if (value === null || typeof value !== 'object') return [];
  const entries: Array<[string | number, unknown]> = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  return entries.flatMap(([key, child]) => reference(child, select, maxSelectDepth, [...path, key]));
}

const sectionElements = (path: JsonPath) => path.length === 4 && path[0] === 'configs' && typeof path[3] === 'number';
const fixture = (name: string) => readFileSync(new URL(`../fixtures/envoy/${name}`, import.meta.url), 'utf8');
const DUMP = fixture('config-dump-waypoint.json');
const DUMPS = ['config-dump-waypoint.json', 'config-dump-endpoints.json', 'config-dump-listeners-sidecar.json', 'config-dump-secrets.json'];

describe('JsonSplitter', () => {
  it.each(DUMPS.flatMap((name) => [1, 7, 64, 4096, 1 << 20].map((size) => [name, size] as const)))('hands over exactly the selected values of %s in %i-byte chunks', (name, size) => {
    const text = fixture(name);
    const taken = split(text, sectionElements, size);
    const expected = reference(JSON.parse(text), sectionElements);
    expect(expected.length).toBeGreaterThan(2);
    expect(taken.map(({ path, value }) => ({ path, value }))).toEqual(expected);
  });

  it('gives the line each value starts on', () => {
    const lines = DUMP.split('\n');
    for (const { line, value } of split(DUMP, sectionElements, 333)) {
      expect(lines[line - 1]).toContain('{');
      expect(value).toBeTypeOf('object');
    }
  });

  it('reads escapes, empty containers, scalars and keys split across chunks', () => {
    const text = JSON.stringify({
      'we\\"ird': [{ a: 'x\\"y\\\\', b: [] }, {}, [], 'tail\\', -1.5e3, true, null, 'é€😀'],
      'k\u00e9y': { deep: [[[{ z: '\\u0041' }]]] },
    });
    const select = (path: JsonPath) => path.length === 2;
    for (const size of [1, 2, 3, 5, 11]) expect(split(text, select, size).map(({ path, value }) => ({ path, value }))).toEqual(reference(JSON.parse(text), select));
  });

  it('takes top-level array elements (istioctl proxy-config cluster -o json)', () => {
    const text = '[\n    {"name": "a"},\n    {"name": "b"}\n]';
    expect(split(text, (path) => path.length === 1, 3)).toEqual([
      { path: '0', value: { name: 'a' }, line: 2 },
      { path: '1', value: { name: 'b' }, line: 3 },
    ]);
  });

  it.each([
    ['{"configs": [{"a": 1}', /truncated JSON: 2 container\(s\) still open/],
    ['{"a": 1} {"b": 2}', /more after the end of the document/],
    ['{"a" 1}', /expected ':' after a key/],
    ['{"a": tru}', /"tru" is not a value/],
    ['{"a": [1 2]}', /unexpected "2" after a value/],
    ['{a: 1}', /expected a key, found "a"/],
    ['Warning: x', /not JSON: starts with "W"/],
    ['', /empty: no JSON value/],
    ['{"a": "open', /truncated JSON/],
    ['{"a":\x01 1}', /unexpected control character 1/], // only space, TAB, CR and LF separate tokens
    ['{"a":\x0c 1}', /unexpected control character 12/],
  ])('refuses %j with a clear error', (text, message) => {
    expect(() => split(text, () => false, 4)).toThrow(message);
    expect(() => split(text, () => false, 4)).toThrow(ArtifactParseError);
  });

  it('takes blanks of every kind JSON allows between tokens: space, TAB, CR, LF', () => {
    expect(split('{\r\n\t"a" :\t[ 1 ,\r\n 2 ]\r\n}', (path) => path.length === 1, 3)).toEqual([{ path: 'a', value: [1, 2], line: 2 }]);
  });

  it('refuses nesting deeper than its limit, on the line where it happens', () => {
    const deep = `{\n"a": ${'['.repeat(100)}${']'.repeat(100)}}`;
    expect(() => split(deep, () => false, 16)).toThrow(/nested deeper than 64 levels/);
    try {
      split(deep, () => false, 16);
    } catch (error) {
      expect((error as ArtifactParseError).line).toBe(2);
    }
  });

  it('re-encodes UTF-16LE input', () => {
    const text = '{"configs": [{"x": [{"name": "café"}]}]}';
    const splitter = (size: number) => {
      const taken: unknown[] = [];
      const s = new JsonSplitter({ select: (p) => p.length === 4, maxSelectDepth: 4, maxDepth: 64, take: (_p, json) => taken.push(JSON.parse(json)) }, 'utf16le');
      const bytes = Buffer.from(text, 'utf16le');
      for (let at = 0; at < bytes.length; at += size) s.write(bytes.subarray(at, at + size));
      s.end();
      return taken;
    };
    expect(splitter(3)).toEqual([{ name: 'café' }]);
  });
});
