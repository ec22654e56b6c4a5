/**
 * The small helpers every parser leans on: the line of a JSON.parse error (src/artifacts/json-text.ts),
 * tabwriter columns (src/artifacts/text.ts), whether a collector command failed (manifest/exit.ts)
 * and which Secret fields hold values (k8s/secret-values.ts).
 */
import { describe, expect, it } from 'vitest';
import { ArtifactParseError } from '../../src/artifacts/artifact-kind.js';
import { jsonErrorLine, lineAtOffset, parseJsonText } from '../../src/artifacts/json-text.js';
import { commandEnding, commandFailed, TIMED_OUT } from '../../src/artifacts/manifest/exit.js';
import { secretValuesIn } from '../../src/artifacts/k8s/secret-values.js';
import type { LocatedResource } from '../../src/artifacts/k8s/kinds.js';
import { rowCells, splitColumns, stripAnsi } from '../../src/artifacts/text.js';

const errorOf = (text: string): Error => {
  try {
    JSON.parse(text);
  } catch (error) {
    return error as Error;
  }
  throw new Error(`${text} parses`);
};

describe('the line of a JSON.parse error', () => {
  it('from V8\'s `at position N`', () => {
    const text = '{\n  "kind": "List",\n  "items": [\n    {"a": 1,}\n  ]\n}';
    expect(errorOf(text).message).toMatch(/at position \d+/);
    expect(jsonErrorLine(text, errorOf(text))).toBe(4);
  });

  it('from V8\'s quoted context of an unexpected token, whole or cut (`..."…"`)', () => {
    const whole = '{\n"a": }';
    expect(errorOf(whole).message).toBe('Unexpected token \'}\', "{\n"a": }" is not valid JSON');
    expect(jsonErrorLine(whole, errorOf(whole))).toBe(2);
    const cut = `{\n\n"${'a'.repeat(22)}": tru}`;
    expect(errorOf(cut).message).toMatch(/^Unexpected token '\}', \.\.\."/);
    expect(jsonErrorLine(cut, errorOf(cut))).toBe(3);
  });

  it('no line when the message names no place', () => {
    expect(jsonErrorLine('{}', new Error('Unexpected end of JSON input'))).toBeUndefined();
    expect(jsonErrorLine('{"a": 1}', new Error('Unexpected token \'x\', "not in it" is not valid JSON'))).toBeUndefined();
  });

  it('parseJsonText fails as an ArtifactParseError with that line', () => {
    let error: unknown;
    try {
      parseJsonText('[\n1,\n2,\n]');
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ArtifactParseError);
    expect((error as ArtifactParseError).message).toMatch(/^malformed JSON: /);
    expect((error as ArtifactParseError).line).toBe(4);
    expect(lineAtOffset('a\nb\nc', 4)).toBe(3);
    expect(lineAtOffset('a\nb', 99)).toBe(2);
  });
});

describe('tabwriter tables', () => {
  it('cells are split by two blanks or a TAB, single blanks stay inside a cell', () => {
    expect(splitColumns('  productpage-v1.default   SYNCED (2m3s)\tNOT SENT   1.22.1  ')).toEqual(['productpage-v1.default', 'SYNCED (2m3s)', 'NOT SENT', '1.22.1']);
    expect(stripAnsi('\x1b[1;31mError\x1b[0m [IST0101]')).toBe('Error [IST0101]');
  });

  it('a row with an empty cell is cut at the header\'s offsets; a row with shifted columns keeps its wrong count', () => {
    const header = 'NAME                      CLUSTER     CDS        LDS';
    expect(rowCells('details-v1.default                    SYNCED     SYNCED', header, 4)).toEqual(['details-v1.default', '', 'SYNCED', 'SYNCED']);
    expect(rowCells('details-v1.default        Kubernetes  SYNCED     SYNCED', header, 4)).toEqual(['details-v1.default', 'Kubernetes', 'SYNCED', 'SYNCED']);
    // Indented, or a cell spilling over two columns: the offsets do not explain it.
    expect(rowCells(' details-v1.default                   SYNCED     SYNCED', header, 4)).toEqual(['details-v1.default', 'SYNCED', 'SYNCED']);
  });
});

describe('collector commands that failed', () => {
  it('0, and an exit code the kind counts as success (istioctl analyze 79), are not failures', () => {
    expect(commandFailed({ exitCode: 0, kind: 'kubectl.pods' })).toBe(false);
    expect(commandFailed({ exitCode: 79, kind: 'istioctl.analyze' })).toBe(false);
    expect(commandFailed({ exitCode: 79, kind: 'kubectl.pods' })).toBe(true);
    expect(commandFailed({ exitCode: 1, kind: 'no.such-kind' })).toBe(true);
    expect(commandFailed({ exitCode: 1 })).toBe(true);
  });

  it('names how it ended: forbidden by RBAC, timed out (124), or its exit code', () => {
    expect(commandEnding({ exitCode: 1, forbidden: true })).toEqual({ clause: 'was forbidden by RBAC', cell: '1 (forbidden by RBAC)' });
    expect(commandEnding({ exitCode: TIMED_OUT })).toEqual({ clause: 'timed out', cell: '124 (timed out)' });
    expect(commandEnding({ exitCode: 2 })).toEqual({ clause: 'failed (exit 2)', cell: '2' });
  });
});

describe('Secret values in a bundle', () => {
  const CERT = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ\n-----END CERTIFICATE-----\n';
  const secret = (data: Record<string, string> | undefined, stringData?: Record<string, string>, namespace: string | null = 'istio-system'): LocatedResource =>
    ({ object: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'cacerts', ...(namespace ? { namespace } : {}) }, ...(data ? { data } : {}), ...(stringData ? { stringData } : {}) }, line: 7 }) as unknown as LocatedResource;

  it('names each field that holds a value, sorted, never the value', () => {
    const [found] = secretValuesIn([secret({ 'ca-key.pem': Buffer.from('-----BEGIN RSA PRIVATE KEY-----\nMIIE\n').toString('base64'), 'ca-cert.pem': Buffer.from(CERT).toString('base64') }, { token: 'abc' })]);
    expect(found).toEqual({ material: 'secret-values', label: 'Secret istio-system/cacerts: ca-key.pem, token', count: 2, line: 7 });
  });

  it('leaves out certificates only, empty values, values already redacted, and objects that are not Secrets', () => {
    expect(secretValuesIn([secret({ 'ca-cert.pem': Buffer.from(CERT + CERT).toString('base64'), empty: '', key: '[REDACTED]' }, { 'root-cert.pem': CERT })])).toEqual([]);
    expect(secretValuesIn([{ object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'istio' }, data: { mesh: 'x' } } } as unknown as LocatedResource])).toEqual([]);
    expect(secretValuesIn([secret({ password: 'aHVudGVyMg==' }, undefined, null)])[0]?.label).toBe('Secret cacerts: password');
  });
});
