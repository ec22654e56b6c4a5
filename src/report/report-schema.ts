import { INVENTORY_STATUSES } from '../artifacts/artifact.js';
import { ARTIFACT_IDS } from '../artifacts/artifact-kind.js';
import { BUNDLE_LAYOUTS, COLLECTED_AT_SOURCES, INPUT_IDS } from '../model/facets.js';
import { SEVERITIES, STEPS } from '../rules/rule.js';
import { TIMELINE_KINDS } from '../findings/timeline.js';
import { metricsSchema } from './metrics/schema.js';

const severity = { enum: SEVERITIES } as const;
const count = { type: 'integer', minimum: 0 } as const;

/** `{ critical: n, high: n, … }`: an object with a count per key, typed key by key for FromSchema. */
function countsOf<const K extends string>(keys: readonly K[]) {
  const properties = Object.fromEntries(keys.map((k) => [k, count])) as { [P in K]: typeof count };
  return { type: 'object', required: keys, properties } as const;
}
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

/** A suppression as given (findings/suppressions.ts); `rule` is a rule id or `*`. */
const suppression = {
  type: 'object',
  required: ['rule', 'reason', 'source'],
  properties: {
    rule: { type: 'string' },
    subject: { type: 'string' },
    fingerprint: { type: 'string' },
    reason: { type: 'string' },
    expires: { type: 'string' },
    source: { type: 'string' },
  },
} as const;

/** The published JSON report contract. Fields may be added; none of these is renamed. */
const secretMaterialSchema = {
  type: 'object',
  required: ['material', 'label', 'count'],
  properties: {
    material: { enum: ['private-key', 'private-key-base64', 'secret-values'] },
    label: { type: 'string', minLength: 1 },
    count: { type: 'integer', minimum: 1 },
    line: { type: 'integer', minimum: 1 },
  },
} as const;

export const reportSchema = {
  $id: 'report',
  title: 'istio-bundle analyze --format json',
  type: 'object',
  required: ['schemaVersion', 'tool', 'bundle', 'summary', 'findings', 'sections', 'timeline', 'rules', 'notChecked', 'collectionFailures', 'collectionSkipped', 'inventory', 'inventorySummary', 'rulesChecked', 'facts', 'warnings'],
  properties: {
    schemaVersion: { const: 1 },
    tool: { type: 'object', required: ['name', 'version'], properties: { name: { type: 'string' }, version: { type: 'string' } } },
    bundle: {
      type: 'object',
      required: ['source', 'layout', 'collectedAt'],
      properties: {
        source: { type: 'string' },
        layout: { enum: BUNDLE_LAYOUTS },
        collectedAt: { type: ['string', 'null'], format: 'date-time' },
        collectedAtSource: { enum: COLLECTED_AT_SOURCES },
        cluster: { type: 'string' },
      },
    },
    summary: countsOf(SEVERITIES),
    findings: {
      type: 'array',
      items: {
        type: 'object',
        required: ['ruleId', 'fingerprint', 'number', 'severity', 'title', 'subject', 'evidence', 'explanation', 'remediation', 'docs'],
        properties: {
          ruleId: { type: 'string', pattern: '^[A-Z]+\\d{3}$' },
          number: { type: 'integer', minimum: 1 },
          /** Stable across runs: rule, subject and the rule's key, never counts or wording. */
          fingerprint: { type: 'string', pattern: '^[0-9a-f]{16}$' },
          /** Fingerprints of the findings that explain this one (its causes). */
          causedBy: { type: 'array', items: { type: 'string', pattern: '^[0-9a-f]{16}$' } },
          /** Fingerprints of the findings this one explains (its symptoms): the other side of `causedBy`. */
          explains: { type: 'array', items: { type: 'string', pattern: '^[0-9a-f]{16}$' } },
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
          /** Where a grouped finding was seen (a pod toward the finding's target), the most affected first. */
          occurrences: {
            type: 'array',
            items: {
              type: 'object',
              required: ['subject', 'count'],
              additionalProperties: false,
              properties: {
                subject,
                count: { type: 'integer', minimum: 1 },
                requests: { type: 'integer', minimum: 0 },
                firstTime: { type: 'string' },
                lastTime: { type: 'string' },
                evidence,
              },
            },
          },
        },
      },
    },
    /** The bundle's dated events in order: terminations, restarts, readiness, first/last log signatures, the collection. */
    timeline: {
      type: 'array',
      items: {
        type: 'object',
        required: ['time', 'kind', 'subject', 'what', 'evidence'],
        additionalProperties: false,
        properties: {
          time: { type: 'string' },
          kind: { enum: TIMELINE_KINDS },
          subject,
          what: { type: 'string' },
          evidence,
          findings: { type: 'array', items: { type: 'string', pattern: '^[0-9a-f]{16}$' } },
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
    /** Findings left out by a suppression (`--suppress`, `--suppressions FILE`): which, by what, and why. */
    suppressed: {
      type: 'array',
      items: {
        type: 'object',
        required: ['fingerprint', 'ruleId', 'title', 'severity', 'subject', 'reason', 'source'],
        properties: {
          fingerprint: { type: 'string' },
          ruleId: { type: 'string' },
          title: { type: 'string' },
          severity,
          subject,
          reason: { type: 'string' },
          /** Where the suppression came from: `suppressions.yaml entry 2 (line 7)`, `--suppress LOG002=Service prod/*`. */
          source: { type: 'string' },
          expires: { type: 'string' },
          /** The bundle has no collection time: the expiry could not be checked, the suppression was applied. */
          expiryNotChecked: { const: true },
        },
      },
    },
    /** Suppressions that expired before the bundle was collected: not applied (their findings are in `findings`). */
    suppressionsExpired: {
      type: 'array',
      minItems: 1,
      items: { ...suppression, required: [...suppression.required, 'expires', 'wouldSuppress'], properties: { ...suppression.properties, wouldSuppress: { type: 'array', items: { type: 'string', pattern: '^[0-9a-f]{16}$' } } } },
    },
    /** Suppressions that matched no finding of this bundle (stale, or meant for another bundle). */
    suppressionsUnmatched: { type: 'array', minItems: 1, items: suppression },
    collectionFailures: {
      type: 'array',
      items: {
        type: 'object',
        required: ['path', 'command', 'exitCode', 'ending'],
        properties: {
          path: { type: 'string' },
          command: { type: 'string' },
          exitCode: { type: 'integer' },
          forbidden: { type: 'boolean' },
          stderr: { type: 'string' },
          stderrFirstLine: { type: 'string' },
          ending: { type: 'string' },
        },
      },
    },
    collectionSkipped: { type: 'array', items: { type: 'object', required: ['path', 'reason'], properties: { path: { type: 'string' }, reason: { type: 'string' } } } },
    sections: {
      type: 'array',
      items: {
        type: 'object',
        required: ['step', 'title', 'checked', 'notChecked', 'findings'],
        properties: {
          step: { enum: Object.keys(STEPS) },
          title: { type: 'string' },
          checked: { type: 'array', items: { type: 'string' } },
          notChecked: { type: 'array', items: { type: 'string' } },
          /** Fingerprints of the step's findings, in document order. */
          findings: { type: 'array', items: { type: 'string' } },
        },
      },
    },
    rules: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'slug', 'title', 'severity', 'step', 'inputs'],
        properties: {
          id: { type: 'string' },
          slug: { type: 'string' },
          title: { type: 'string' },
          severity,
          step: { enum: Object.keys(STEPS) },
          description: { type: 'string' },
          rationale: { type: 'string' },
          remediation: { type: 'string' },
          threshold: { type: 'object', required: ['value', 'source'], properties: { value: { type: 'string' }, source: { type: 'string' } } },
          docs: { type: 'array', items: { type: 'string' } },
          inputs: { type: 'array', items: { type: 'string' } },
          istioCodes: { type: 'array', items: { type: 'string', pattern: '^IST\\d{4}$' } },
        },
      },
    },
    hidden: { type: 'object', required: ['belowSeverity', 'count'], properties: { belowSeverity: severity, count: { type: 'integer', minimum: 1 } } },
    inventorySummary: countsOf(INVENTORY_STATUSES),
    rulesChecked: { type: 'array', items: { type: 'string' } },
    facts: {
      type: 'object',
      required: ['proxies', 'pods', 'istioVersions', 'istio', 'inputsUsed'],
      properties: {
        proxies: { type: 'integer', minimum: 0 },
        pods: { type: 'integer', minimum: 0 },
        istioVersions: { type: 'array', items: { type: 'string' } },
        istio: {
          type: 'object',
          required: ['controlPlane', 'dataPlane'],
          properties: { controlPlane: { type: 'array', items: { type: 'string' } }, dataPlane: { type: 'array', items: { type: 'string' } } },
        },
        inputsUsed: { type: 'integer', minimum: 0 },
        kubernetesVersion: { type: 'string' },
      },
    },
    warnings: { type: 'array', items: { type: 'string' } },
    certificates: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['proxy', 'root', 'chain', 'from', 'path'],
        additionalProperties: false,
        properties: {
          proxy: { type: 'string' },
          spiffeId: { type: 'string' },
          notAfter: { type: 'string' },
          timeLeft: { type: 'string' },
          expired: { type: 'boolean' },
          root: { enum: ['match', 'partial', 'differs', 'unknown'] },
          chain: { enum: ['verifies', 'fails', 'unknown', 'expired'] },
          from: { enum: ['config dump', 'Envoy /certs'] },
          path: { type: 'string' },
          pointer: { type: 'string' },
        },
      },
    },
    metrics: metricsSchema,
    /** Files holding private keys or secret values, named, never quoted: the report leads with them. */
    secretMaterial: { type: 'array', minItems: 1, items: { ...secretMaterialSchema, required: ['path', ...secretMaterialSchema.required], properties: { path: { type: 'string' }, ...secretMaterialSchema.properties } } },
    inventory: {
      type: 'array',
      items: {
        type: 'object',
        required: ['path', 'status'],
        properties: {
          path: { type: 'string' },
          status: { enum: INVENTORY_STATUSES },
          kind: { enum: ARTIFACT_IDS },
          reason: { type: 'string' },
          /** A used entry read with caveats: bytes that are not UTF-8, lines cut for matching. */
          note: { type: 'string' },
          size: { type: 'integer', minimum: 0 },
          recognisedBy: { enum: ['manifest', 'path', 'content'] },
          line: { type: 'integer' },
          pointer: { type: 'string' },
          secretMaterial: { type: 'array', minItems: 1, items: secretMaterialSchema },
        },
        // Every entry that is not used says why.
        if: { properties: { status: { enum: ['not-analysed', 'invalid', 'not-recognised', 'skipped'] } } },
        then: { required: ['reason'], properties: { reason: { type: 'string', minLength: 1 } } },
      },
    },
  },
} as const;
