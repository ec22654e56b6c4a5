import { ARTIFACT_IDS } from '../artifacts/artifact-kind.js';
import { INPUT_IDS } from '../model/facets.js';
import { SEVERITIES, STEPS } from '../rules/rule.js';

const severity = { enum: SEVERITIES } as const;
const subject = {
  type: 'object',
  required: ['kind', 'name'],
  properties: { kind: { type: 'string' }, namespace: { type: 'string' }, name: { type: 'string' } },
} as const;
const evidence = {
  type: 'object',
  required: ['path'],
  properties: { path: { type: 'string' }, line: { type: 'integer', minimum: 1 }, pointer: { type: 'string' }, excerpt: { type: 'string' } },
} as const;

/** The published JSON report contract. Fields may be added; none of these is renamed. */
export const reportSchema = {
  $id: 'report',
  title: 'istio-bundle analyze --format json',
  type: 'object',
  required: ['schemaVersion', 'tool', 'bundle', 'summary', 'findings', 'notChecked', 'inventory'],
  properties: {
    schemaVersion: { const: 1 },
    tool: { type: 'object', required: ['name', 'version'], properties: { name: { type: 'string' }, version: { type: 'string' } } },
    bundle: {
      type: 'object',
      required: ['source', 'layout', 'collectedAt'],
      properties: {
        source: { type: 'string' },
        layout: { enum: ['collector', 'istioctl-bug-report', 'plain'] },
        collectedAt: { type: ['string', 'null'], format: 'date-time' },
        collectedAtSource: { enum: ['manifest', 'newest-timestamp', 'unknown'] },
        cluster: { type: 'string' },
      },
    },
    summary: {
      type: 'object',
      required: [...SEVERITIES],
      properties: Object.fromEntries(SEVERITIES.map((s) => [s, { type: 'integer', minimum: 0 }])),
    },
    findings: {
      type: 'array',
      items: {
        type: 'object',
        required: ['ruleId', 'fingerprint', 'severity', 'title', 'subject', 'evidence', 'explanation', 'remediation', 'docs'],
        properties: {
          ruleId: { type: 'string', pattern: '^[A-Z]+\\d{3}$' },
          /** Stable across runs: rule, subject and the rule's key, never counts or wording. */
          fingerprint: { type: 'string', pattern: '^[0-9a-f]{16}$' },
          /** Fingerprints of the findings that explain this one (its causes). */
          causedBy: { type: 'array', items: { type: 'string', pattern: '^[0-9a-f]{16}$' } },
          severity,
          step: { enum: Object.keys(STEPS) },
          title: { type: 'string' },
          subject,
          evidence: { type: 'array', items: evidence },
          explanation: { type: 'string' },
          remediation: { type: 'string' },
          commands: { type: 'array', items: { type: 'string' } },
          yaml: { type: 'string' },
          docs: { type: 'array', items: { type: 'string' } },
        },
      },
    },
    notChecked: {
      type: 'array',
      items: {
        type: 'object',
        required: ['ruleId', 'missing', 'collect'],
        properties: {
          ruleId: { type: 'string' },
          title: { type: 'string' },
          missing: { type: 'array', items: { enum: INPUT_IDS } },
          reason: { type: 'string' },
          collect: { type: 'array', items: { type: 'string' } },
        },
      },
    },
    suppressed: {
      type: 'array',
      items: {
        type: 'object',
        required: ['fingerprint', 'ruleId', 'title', 'reason'],
        properties: { fingerprint: { type: 'string' }, ruleId: { type: 'string' }, title: { type: 'string' }, reason: { type: 'string' } },
      },
    },
    collectionFailures: { type: 'array' },
    inventory: {
      type: 'array',
      items: {
        type: 'object',
        required: ['path', 'status'],
        properties: {
          path: { type: 'string' },
          status: { enum: ['used', 'invalid', 'not-recognised', 'skipped'] },
          kind: { enum: ARTIFACT_IDS },
          reason: { type: 'string' },
          size: { type: 'integer', minimum: 0 },
          recognisedBy: { enum: ['manifest', 'path', 'content'] },
          line: { type: 'integer' },
          pointer: { type: 'string' },
        },
        // Every entry that is not used says why.
        if: { properties: { status: { enum: ['invalid', 'not-recognised', 'skipped'] } } },
        then: { required: ['reason'], properties: { reason: { type: 'string', minLength: 1 } } },
      },
    },
  },
} as const;
