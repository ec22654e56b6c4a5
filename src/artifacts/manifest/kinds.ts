import type { JSONSchema } from 'json-schema-to-ts';
import { parseJsonText } from '../json-text.js';
import { defineDocumentKind } from '../artifact-kind.js';
import { manifestSchema, type Manifest } from './schema.js';

export const manifestKind = defineDocumentKind<Manifest>({
  id: 'bundle.manifest',
  title: 'bundle manifest',
  schema: manifestSchema,
  collect: ['sh collector/collect.sh'],
  paths: [/^(?:[^/]+\/)?manifest\.json$/],
  sniff: (head) => /"schemaVersion"/.test(head) && /"collectedAt"/.test(head) && /"artifacts"/.test(head),
  parse(text) {
    // The schema check that follows makes it a Manifest.
    const data = parseJsonText(text) as Manifest;
    return { data, validate: [{ value: data, pointer: '' }] };
  },
});

/** The stderr the collector kept beside an artifact; shown when that artifact is missing or failed. */
export interface StderrText {
  text: string;
}

const STDERR_SHOWN = 2000;

const stderrSchema = {
  $id: 'collector.stderr',
  title: 'stderr of a collector command (first 2000 characters kept)',
  type: 'object',
  required: ['text'],
  additionalProperties: false,
  properties: { text: { type: 'string' } },
} as const satisfies JSONSchema;

export const stderrKind = defineDocumentKind<StderrText>({
  id: 'collector.stderr',
  title: 'collector command stderr',
  schema: stderrSchema,
  collect: ['sh collector/collect.sh'],
  paths: [/\.stderr$/],
  sniff: () => false,
  parse(text) {
    const data = { text: text.slice(0, STDERR_SHOWN) };
    return { data, validate: [{ value: data, pointer: '' }] };
  },
});
