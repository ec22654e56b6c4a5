import { describe, expect, it } from 'vitest';
import { readKubernetesObjects } from '../../src/artifacts/k8s/documents.js';
import { podsKind, resourcesKind } from '../../src/artifacts/k8s/kinds.js';
import { podSchema } from '../../src/artifacts/k8s/pod-schema.js';
import { ArtifactParseError } from '../../src/artifacts/artifact-kind.js';
import { validateValue } from '../../src/artifacts/validate.js';
import { fixture } from './helpers.js';

function parseError(text: string): ArtifactParseError {
  try {
    readKubernetesObjects(text);
  } catch (error) {
    expect(error).toBeInstanceOf(ArtifactParseError);
    return error as ArtifactParseError;
  }
  throw new Error('expected readKubernetesObjects to throw');
}

const pod = (name: string, extra: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, ...extra });

/** `kubectl get pods -o json` (formats.md §5.1) wrapping the corpus OOMKilled status. */
const oomStatus = JSON.parse(fixture('kubectl-pod-status-oomkilled.json')) as { status: unknown };
const POD_LIST = JSON.stringify(
  { apiVersion: 'v1', items: [pod('kubeshark-worker-daemon-set-8j6x4', { status: oomStatus.status }), pod('productpage-v1-d5789fdfb-6x7b9')], kind: 'List', metadata: { resourceVersion: '' } },
  null,
  4,
);

describe('readKubernetesObjects: JSON', () => {
  it('flattens a List, each item with its pointer /items/N', () => {
    const objects = readKubernetesObjects(POD_LIST);
    expect(objects.map((o) => [o.pointer, o.object.kind, (o.object.metadata as { name: string }).name, o.document])).toEqual([
      ['/items/0', 'Pod', 'kubeshark-worker-daemon-set-8j6x4', 0],
      ['/items/1', 'Pod', 'productpage-v1-d5789fdfb-6x7b9', 0],
    ]);
    expect(objects[0]!.line).toBeUndefined(); // JSON is addressed by pointer
  });

  it('the corpus OOMKilled pod status validates against the pod schema', () => {
    const [first] = readKubernetesObjects(POD_LIST);
    expect(validateValue(podSchema, first!.object, first!.pointer)).toEqual([]);
    const status = first!.object.status as { containerStatuses: Array<{ lastState: { terminated: { reason: string; exitCode: number } } }> };
    expect(status.containerStatuses[0]!.lastState.terminated).toMatchObject({ reason: 'OOMKilled', exitCode: 137 });
  });

  it('reads a single object at the root pointer', () => {
    const objects = readKubernetesObjects(JSON.stringify(pod('a')));
    expect(objects).toHaveLength(1);
    expect(objects[0]!.pointer).toBe('');
  });

  it('skips the `Warning:` lines kubectl prints on stderr when a collector merged the streams', () => {
    const text = `Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice\n${JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'reviews' } }] })}`;
    const objects = readKubernetesObjects(text);
    expect(objects.map((o) => [o.pointer, o.object.kind])).toEqual([['/items/0', 'Endpoints']]);
  });

  it('reads a top-level JSON array element by element, each at its index pointer', () => {
    const objects = readKubernetesObjects(JSON.stringify([pod('details-v1-79f774bdb9-6kq2v'), pod('ratings-v1-b6994bb9-4lqzm')], null, 4));
    expect(objects).toEqual([
      { object: pod('details-v1-79f774bdb9-6kq2v'), pointer: '/0', document: 0 },
      { object: pod('ratings-v1-b6994bb9-4lqzm'), pointer: '/1', document: 0 },
    ]);
  });

  it('after `Warning:` lines, an error without a line (JSON is addressed by pointer) keeps no line', () => {
    const text = `Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice\n{"kind":"List","items":[{"kind":"Pod"}, 42]}`;
    const error = parseError(text);
    expect(error.message).toBe('expected a Kubernetes object at /items/1, found number');
    expect(error.line).toBeUndefined();
  });

  it('malformed JSON throws with the line of the fault', () => {
    const error = parseError('{\n    "apiVersion": "v1",\n    "kind": "Pod",\n    "metadata": {"name": "a",}\n}\n');
    expect(error.message).toMatch(/^malformed JSON: /);
    expect(error.line).toBe(4);
  });

  it('a non-object where an object belongs is refused with its pointer', () => {
    expect(parseError('{"kind":"List","items":[{"kind":"Pod"}, 42]}').message).toBe('expected a Kubernetes object at /items/1, found number');
  });
});

describe('readKubernetesObjects: YAML', () => {
  it('reads the multi-document analyzer testdata with a line per object', () => {
    const objects = readKubernetesObjects(fixture('virtualservice_destinationhosts.yaml'));
    expect(objects.length).toBeGreaterThan(20);
    expect(objects[0]).toMatchObject({ pointer: '', line: 1, document: 0, object: { kind: 'Service', metadata: { name: 'reviews' } } });
    expect(objects[1]).toMatchObject({ line: 12, document: 1, object: { metadata: { name: 'reviews-2port' } } });
    expect(objects[2]).toMatchObject({ line: 26, document: 2, object: { kind: 'ServiceEntry', metadata: { name: 'external-reviews' } } });
    const bogus = objects.find((o) => (o.object.metadata as { name: string }).name === 'reviews-bogushost');
    expect(bogus?.object.kind).toBe('VirtualService');
  });

  it('ignores empty documents (a trailing `---`)', () => {
    const objects = readKubernetesObjects('apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: b\n---\n');
    expect(objects.map((o) => [o.document, o.line])).toEqual([
      [0, 1],
      [1, 6],
    ]);
  });

  it('flattens a `kind: List` (bug-report cluster/pods) with the line of each item', () => {
    const text = [
      'apiVersion: v1',
      'items:',
      '- apiVersion: v1',
      '  kind: Pod',
      '  metadata:',
      '    name: istiod-7d4885fc54-lzx9z',
      '    namespace: istio-system',
      '- apiVersion: v1',
      '  kind: Pod',
      '  metadata:',
      '    name: istio-ingressgateway-7d6874b48f-qxhn5',
      '    namespace: istio-system',
      'kind: List',
      'metadata:',
      '  resourceVersion: ""',
      '',
    ].join('\n');
    const objects = readKubernetesObjects(text);
    expect(objects.map((o) => [o.pointer, o.line, (o.object.metadata as { name: string }).name])).toEqual([
      ['/items/0', 3, 'istiod-7d4885fc54-lzx9z'],
      ['/items/1', 8, 'istio-ingressgateway-7d6874b48f-qxhn5'],
    ]);
  });

  it('malformed YAML throws with the line', () => {
    const error = parseError('apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n   bad: indent\n');
    expect(error.message).toMatch(/^malformed YAML: /);
    expect(error.line).toBe(4);
  });

  it('an unclosed flow mapping throws instead of guessing', () => {
    const error = parseError('apiVersion: v1\nkind: Pod\nmetadata: {name: a\n');
    expect(error.message).toMatch(/^malformed YAML: /);
    expect(typeof error.line).toBe('number');
  });

  it('flow nesting is read up to 100 levels and refused from 101, naming the depth', () => {
    const configMap = (levels: number) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep\ndata:\n  a: ${'['.repeat(levels)}${']'.repeat(levels)}\n`;
    expect(readKubernetesObjects(configMap(100))).toHaveLength(1);
    expect(parseError(configMap(101)).message).toBe('YAML nested 101 levels deep in flow style (over 100): refused as unsafe to parse');
  });

  it('a scalar document is not an object', () => {
    expect(parseError('just some text\n').message).toBe('expected a Kubernetes object at (root), found string');
  });

  it("refuses deeply nested flow YAML (`'['.repeat(2000)`) without crashing", () => {
    const started = Date.now();
    for (const text of [`a: ${'['.repeat(2000)}`, `a: ${'['.repeat(2000)}${']'.repeat(2000)}`, `x: ${'{a: '.repeat(500)}1${'}'.repeat(500)}`]) {
      expect(parseError(text).message).toMatch(/YAML nested \d+ levels deep in flow style \(over 100\): refused as unsafe to parse/);
    }
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('refuses a YAML alias bomb (billion laughs)', () => {
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 10; i++) {
      const name = String.fromCharCode(97 + i);
      const previous = String.fromCharCode(96 + i);
      lines.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]`);
    }
    const error = parseError(lines.join('\n'));
    expect(error.message).toMatch(/^malformed YAML in document 1: .*alias/i);
  });
});

describe('kubectl.pods and k8s.resources kinds', () => {
  it('pods are sniffed only when every kind in the head is Pod (List aside)', () => {
    expect(podsKind.sniff(POD_LIST, 'x')).toBe(true);
    expect(resourcesKind.sniff(POD_LIST, 'x')).toBe(false);
    const vs = fixture('virtualservice_destinationhosts.yaml');
    expect(podsKind.sniff(vs, 'x')).toBe(false);
    expect(resourcesKind.sniff(vs, 'x')).toBe(true);
  });

  it('pods.parse asks to validate each object at its pointer and line', () => {
    const parsed = podsKind.parse('apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n', { path: 'x' });
    expect(parsed.validate).toEqual([{ value: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a' } }, pointer: '', line: 1 }]);
  });

  it('resources.parse holds Pods in a mixed List to the pod schema as well', () => {
    const text = JSON.stringify({ kind: 'List', items: [{ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' } }, pod('p')] });
    const parsed = resourcesKind.parse(text, { path: 'x' });
    expect(parsed.validate.map((v) => [v.pointer, v.schema === podSchema])).toEqual([
      ['/items/0', false],
      ['/items/1', false],
      ['/items/1', true],
    ]);
  });

  it('the pod schema names the JSON pointer of a wrongly typed field', () => {
    const bad = pod('a', { status: { containerStatuses: [{ name: 'istio-proxy', restartCount: 'three' }] } });
    const [violation] = validateValue(podSchema, bad, '/items/0');
    expect(violation).toEqual({ pointer: '/items/0/status/containerStatuses/0/restartCount', message: '/items/0/status/containerStatuses/0/restartCount: must be integer' });
  });
});
