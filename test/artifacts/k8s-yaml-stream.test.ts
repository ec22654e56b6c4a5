/**
 * The js-yaml fast path for large YAML streams (src/artifacts/k8s/yaml-stream.ts) against the `yaml`
 * package reference reader: same objects, same pointers, same documents, same lines — and for whatever
 * the fast path cannot vouch for, the reference reader's own answer (errors with their lines).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readKubernetesObjects, type LocatedObject } from '../../src/artifacts/k8s/documents.js';
import { MAX_BLOCK_DEPTH, readYamlStreamFast } from '../../src/artifacts/k8s/yaml-stream.js';
import { ArtifactParseError } from '../../src/artifacts/artifact-kind.js';
import { fixture } from './helpers.js';

type Outcome = { objects: LocatedObject[] } | { error: string; line: number | undefined };

function outcome(text: string, reader: 'auto' | 'reference'): Outcome {
  try {
    return { objects: readKubernetesObjects(text, reader) };
  } catch (error) {
    expect(error).toBeInstanceOf(ArtifactParseError);
    return { error: (error as ArtifactParseError).message, line: (error as ArtifactParseError).line };
  }
}

/** Reads `text` both ways and insists on one answer; returns it. */
function agreed(text: string): Outcome {
  const auto = outcome(text, 'auto');
  expect(auto).toEqual(outcome(text, 'reference'));
  return auto;
}

const summary = (objects: LocatedObject[]) => objects.map((o) => [o.document, o.pointer, o.line, (o.object.metadata as { name?: string } | undefined)?.name]);

const service = (name: string) => ['apiVersion: v1', 'kind: Service', 'metadata:', `  name: ${name}`, '  namespace: default', 'spec:', '  ports:', '  - port: 80'];

describe('YAML fast path: exact lines', () => {
  it('multi-document stream: each object at the line its document starts', () => {
    const text = [...service('a'), '---', ...service('b'), '---', ...service('c'), ''].join('\n');
    expect(readYamlStreamFast(text)).toBeDefined();
    const result = agreed(text);
    expect('objects' in result && summary(result.objects)).toEqual([
      [0, '', 1, 'a'],
      [1, '', 10, 'b'],
      [2, '', 19, 'c'],
    ]);
  });

  it('a `kind: List` document among others: one line per item', () => {
    const list = ['apiVersion: v1', 'items:', ...service('x').map((l, i) => (i === 0 ? `- ${l}` : `  ${l}`)), ...service('y').map((l, i) => (i === 0 ? `- ${l}` : `  ${l}`)), 'kind: List', 'metadata:', '  resourceVersion: ""'];
    const text = [...service('a'), '---', ...list, '---', ...service('b'), ''].join('\n');
    expect(readYamlStreamFast(text)).toBeDefined();
    const result = agreed(text);
    expect('objects' in result && summary(result.objects)).toEqual([
      [0, '', 1, 'a'],
      [1, '/items/0', 12, 'x'],
      [1, '/items/1', 20, 'y'],
      [2, '', 32, 'b'],
    ]);
  });

  it('documents after block scalars holding `---`, `...` and `--- x` lines (indented, so content)', () => {
    const text = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: manifests',
      'data:',
      '  stream.yaml: |',
      '    ---',
      '    kind: ServiceAccount',
      '    --- # not a boundary either',
      '    ...',
      '  folded: >-',
      '    --- a',
      '',
      '    ... b',
      '---',
      ...service('after'),
      '',
    ].join('\n');
    expect(readYamlStreamFast(text)).toBeDefined();
    const result = agreed(text);
    expect('objects' in result && summary(result.objects)).toEqual([
      [0, '', 1, 'manifests'],
      [1, '', 16, 'after'],
    ]);
    const data = ('objects' in result && result.objects[0]!.object.data) as Record<string, string>;
    expect(data['stream.yaml']).toBe('---\nkind: ServiceAccount\n--- # not a boundary either\n...\n');
    expect(data.folded).toBe('--- a\n... b');
  });

  it('leading `Warning:` lines shift every line', () => {
    const text = ['Warning: networking.istio.io/v1alpha3 VirtualService is deprecated', 'Warning: second warning', ...service('a'), '---', ...service('b'), ''].join('\n');
    const result = agreed(text);
    expect('objects' in result && summary(result.objects)).toEqual([
      [0, '', 3, 'a'],
      [1, '', 12, 'b'],
    ]);
  });

  it('comments, `--- # comment`, blank lines and `...` end markers', () => {
    const text = [
      '# dumped by istioctl bug-report',
      '',
      ...service('a'),
      '...',
      '--- # second',
      '# a comment before the object',
      '',
      ...service('b'),
      '...',
      '---',
      '---',
      '# only a comment: an empty document',
      '---',
      ...service('c'),
      '',
    ].join('\n');
    expect(readYamlStreamFast(text)).toBeDefined();
    const result = agreed(text);
    expect('objects' in result && summary(result.objects)).toEqual([
      [0, '', 3, 'a'],
      [1, '', 15, 'b'],
      [4, '', 28, 'c'],
    ]);
  });

  it('a document right after `...` without `---`, and `---` carrying its content on the marker line', () => {
    const text = ['a: 1', '...', 'kind: Service', 'metadata: {name: s}', '--- {kind: Service, metadata: {name: t}}', ''].join('\n');
    const result = agreed(text);
    expect('objects' in result && summary(result.objects)).toEqual([
      [0, '', 1, undefined],
      [1, '', 3, 's'],
      [2, '', 5, 't'],
    ]);
  });

  it('CRLF line ends, a byte-order mark, and a List with flow-style items over several lines', () => {
    const crlf = `\uFEFF${[...service('a'), '---', ...service('b'), ''].join('\r\n')}`;
    expect(readYamlStreamFast(crlf)).toBeDefined();
    const result = agreed(crlf);
    expect('objects' in result && summary(result.objects)).toEqual([
      [0, '', 1, 'a'],
      [1, '', 10, 'b'],
    ]);
    const flow = 'apiVersion: v1\nkind: List\nitems: [\n  {kind: Pod, metadata: {name: a}},\n\n  {kind: Pod,\n   metadata: {name: b}}]\n';
    expect(readYamlStreamFast(flow)).toBeDefined();
    const list = agreed(flow);
    expect('objects' in list && summary(list.objects)).toEqual([
      [0, '/items/0', 4, 'a'],
      [0, '/items/1', 6, 'b'],
    ]);
  });

  it('the bench generator’s bug-report `cluster/crs` stream reads identically both ways', async () => {
    const { generateCrsYaml } = (await import(new URL('../../bench/crs-yaml.mjs', import.meta.url).href)) as { generateCrsYaml: (bytes: number) => { text: string; objects: number } };
    const { text, objects } = generateCrsYaml(400_000);
    expect(readYamlStreamFast(text)).toBeDefined();
    const result = agreed(text);
    expect('objects' in result && result.objects.length).toBe(objects);
  });

  it('every YAML fixture (Istio analyzer test data among them) reads identically both ways', () => {
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir)) {
        const path = join(dir, entry);
        if (statSync(path).isDirectory()) walk(path);
        else if (/\.ya?ml$/.test(entry)) files.push(path);
      }
    };
    walk(fileURLToPath(new URL('../fixtures/', import.meta.url)));
    walk(fileURLToPath(new URL('../rules/', import.meta.url)));
    expect(files.length).toBeGreaterThan(40);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      expect(outcome(text, 'auto'), file).toEqual(outcome(text, 'reference'));
    }
    expect(readYamlStreamFast(fixture('virtualservice_destinationhosts.yaml'))).toBeDefined();
  });
});

describe('YAML fast path: the yaml package’s scalar and key rules', () => {
  it('YAML 1.2 core scalars exactly as the yaml package reads them', () => {
    const scalars = ['0o17', '0x1F', '017', '1_000', '+1', '.5', '1e3', '.inf', '-.Inf', '.NaN', '~', 'Null', 'NULL', 'nULL', 'True', 'FALSE', 'yes', 'on', 'off', '2025-05-01T10:00:00Z', '0b101', '-0x1F', '+0o7', '-0', '1.', '12:30', '08', '1e', '0o8', '"3"', "'true'"];
    const text = `kind: X\n${scalars.map((s, i) => `k${i}: ${s}`).join('\n')}\n`;
    expect(readYamlStreamFast(text)).toBeDefined();
    const result = agreed(text);
    const object = 'objects' in result ? result.objects[0]!.object : {};
    expect(object.k20).toBe('0b101');
    expect(object.k21).toBe('-0x1F');
    expect(Object.is(object.k23, -0)).toBe(true);
    expect(object.k19).toBe('2025-05-01T10:00:00Z');
  });

  it('`<<` is a plain key (no merge) and `__proto__` an own property', () => {
    const result = agreed('kind: X\n<<: {a: 1}\n__proto__: {polluted: true}\n');
    const object = 'objects' in result ? result.objects[0]!.object : {};
    expect(object['<<']).toEqual({ a: 1 });
    expect(Object.hasOwn(object, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('null and collection keys, explicit `?` keys: left to the reference reader', () => {
    for (const text of ['kind: X\n~: a\n', 'kind: X\n? a\n', 'kind: X\n?\n', 'kind: X\nm: {: a}\n', 'kind: X\nm: [null: a]\n']) {
      expect(readYamlStreamFast(text), text).toBeUndefined();
      agreed(text);
    }
    // (the reference reader warns on stderr about these, so they are only checked for giving up)
    for (const text of ['kind: X\n[a, b]: c\n', 'kind: X\n? {a: 1}\n: b\n', 'kind: X\nm: {[a]: b}\n']) expect(readYamlStreamFast(text), text).toBeUndefined();
  });

  it('a collection key with blanks before its `:` is still a key: left to the reference reader', () => {
    // js-yaml ends the node at `]`; the `:` comes after a space or a tab. (The reference reader warns
    // on stderr about collection keys, so only the giving up is checked.)
    for (const text of ['kind: X\n[a, b] : c\n', 'kind: X\n[a, b]\t: c\n']) expect(readYamlStreamFast(text), text).toBeUndefined();
  });

  it('a null explicit key in a flow mapping after a tab or a CRLF line break: the reference reader\'s empty key', () => {
    // In flow style js-yaml opens the key node past the blanks that follow `?`, so they must be skipped back over.
    for (const text of ['kind: X\nm: {?\t~, x: y}\n', 'kind: X\r\nm: {?\r\n  ~, x: y}\r\n']) {
      expect(readYamlStreamFast(text), JSON.stringify(text)).toBeUndefined();
      expect(agreed(text)).toEqual({ objects: [{ object: { kind: 'X', m: { '': null, x: 'y' } }, pointer: '', line: 1, document: 0 }] });
    }
  });

  it('unknown tags are read leniently, as before (the fast path gives up on them)', () => {
    const text = 'kind: X\na: !custom value\n';
    expect(readYamlStreamFast(text)).toBeUndefined();
    const result = agreed(text);
    expect('objects' in result && result.objects[0]!.object.a).toBe('value');
  });
});

describe('YAML fast path: safety and errors', () => {
  it('anchors and aliases go to the reference reader and its alias limit', () => {
    expect(readYamlStreamFast('kind: X\na: &x [1]\nb: *x\n')).toBeUndefined();
    expect(readYamlStreamFast('kind: X\na: &x 1\n')).toBeUndefined();
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 10; i++) lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    const result = agreed(lines.join('\n'));
    expect('error' in result && result.error).toMatch(/^malformed YAML in document 1: .*alias/i);
  });

  it('malformed YAML deep in a large stream: the reference reader’s message and line', () => {
    const docs: string[] = [];
    for (let i = 0; i < 200; i++) docs.push(service(`s${i}`).join('\n'));
    docs.push(['apiVersion: v1', 'kind: Pod', 'metadata:', '  name: a', '   bad: indent'].join('\n'));
    docs.push(service('after').join('\n'));
    const text = `${docs.join('\n---\n')}\n`;
    expect(readYamlStreamFast(text)).toBeUndefined();
    const result = agreed(text);
    expect(result).toMatchObject({ error: expect.stringMatching(/^malformed YAML: /), line: 200 * 9 + 4 });
  });

  it('duplicate keys and unclosed flow collections are errors with a line, after `Warning:` lines too', () => {
    const duplicate = agreed(`Warning: x\n${service('a').join('\n')}\n---\nkind: Pod\nkind: Service\n`);
    expect(duplicate).toMatchObject({ error: expect.stringMatching(/^malformed YAML: /), line: 12 });
    const unclosed = agreed(`${service('a').join('\n')}\n---\nkind: Pod\nmetadata: {name: a\n`);
    expect(unclosed).toMatchObject({ error: expect.stringMatching(/^malformed YAML: /) });
    expect('line' in unclosed && typeof unclosed.line).toBe('number');
  });

  it('an empty `-` entry in a List: the reference reader names the item and its line', () => {
    const text = 'apiVersion: v1\nitems:\n- kind: Pod\n  metadata: {name: a}\n-\n- kind: Pod\n  metadata: {name: b}\nkind: List\n';
    expect(readYamlStreamFast(text)).toBeUndefined();
    expect(agreed(text)).toEqual({ error: 'expected a Kubernetes object at /items/1, found null', line: 5 });
  });

  it('a scalar document is still not an object, at its line', () => {
    expect(agreed(`${service('a').join('\n')}\n---\njust text\n`)).toEqual({ error: 'expected a Kubernetes object at (root), found string', line: 10 });
  });

  it('deep block nesting beyond the bound is refused with the same error every time (the reference reader would overflow its stack at a varying line)', () => {
    const depth = 1100;
    const text = `${Array.from({ length: depth }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')} leaf\n`;
    const first = outcome(text, 'auto');
    expect(first).toEqual({ error: `YAML nested more than ${MAX_BLOCK_DEPTH} levels deep: refused as unsafe to parse`, line: MAX_BLOCK_DEPTH });
    expect(outcome(text, 'auto')).toEqual(first);
    const within = `${Array.from({ length: 50 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')} leaf\n`;
    agreed(within);
  });
});
