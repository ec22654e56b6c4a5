import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
import { ArtifactParseError, defineDocumentKind } from '../artifact-kind.js';
import { firstNonEmptyLine } from '../text.js';

/**
 * Secret names and types, never their values, from the two listings collect.sh writes:
 * - `kubernetes/secrets/<istio-ns>.txt`: `kubectl get secrets -n istio-system`, the default table
 *   `NAME TYPE DATA AGE` (a `-A` table has `NAMESPACE` first); DATA is the number of keys, not a value.
 * - `kubernetes/secrets/remote-secrets.txt`: `<namespace>/<name>` of every Secret labelled
 *   `istio/multiCluster=true` (the label `istioctl create-remote-secret` writes, by which istiod
 *   finds the remote clusters to watch). An empty file is an answer: no remote secret.
 */
const secretNamesSchema = {
  $id: 'kubectl.secretNames',
  title: 'Secret names and types (kubectl get secrets), no values',
  type: 'object',
  required: ['listing', 'secrets'],
  additionalProperties: false,
  properties: {
    /** `table`: the default `kubectl get secrets` table; `multi-cluster-label`: the Secrets labelled `istio/multiCluster=true`. */
    listing: { enum: ['table', 'multi-cluster-label'] },
    /** The namespace a `-n` table lists (from the path or the manifest). */
    namespace: { type: 'string', minLength: 1 },
    secrets: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'line'],
        additionalProperties: false,
        properties: {
          namespace: { type: 'string', minLength: 1 },
          name: { type: 'string', minLength: 1 },
          /** `Opaque`, `kubernetes.io/tls`, `istio.io/key-and-cert`… (tables only). */
          type: { type: 'string', minLength: 1 },
          line: { type: 'integer', minimum: 1 },
        },
      },
    },
  },
} as const satisfies JSONSchema;
export type SecretNames = FromSchema<typeof secretNamesSchema>;
export type SecretName = SecretNames['secrets'][number];

const HEADER = /^(?:NAMESPACE\s+)?NAME\s+TYPE\s+DATA\s+AGE\s*$/;
const REMOTE_SECRETS = /(?:^|\/)kubernetes\/secrets\/remote-secrets\.txt$/;
const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

export const secretNamesKind = defineDocumentKind<SecretNames>({
  id: 'kubectl.secretNames',
  title: 'Secret names and types (kubectl get secrets), no values',
  schema: secretNamesSchema,
  collect: ['kubectl get secrets -n istio-system', "kubectl get secrets -A -l istio/multiCluster=true -o 'jsonpath={range .items[*]}{.metadata.namespace}{\"/\"}{.metadata.name}{\"\\n\"}{end}'"],
  paths: [REMOTE_SECRETS, /(?:^|\/)kubernetes\/secrets\/(?!remote-secrets\.txt$)(?<namespace>[^/]+)\.txt$/],
  sniff: (head) => HEADER.test(firstNonEmptyLine(head).trim()),
  parse(text, context) {
    const lines = text.split(/\r?\n/);
    if (REMOTE_SECRETS.test(context.path)) {
      const secrets: SecretNames['secrets'] = [];
      lines.forEach((raw, i) => {
        const line = raw.trim();
        if (line === '') return;
        const m = /^([^/\s]+)\/([^/\s]+)$/.exec(line);
        if (!m || !NAME.test(m[1]!) || !NAME.test(m[2]!)) throw new ArtifactParseError(`line ${i + 1} is not \`<namespace>/<name>\``, i + 1);
        secrets.push({ namespace: m[1]!, name: m[2]!, line: i + 1 });
      });
      const data: SecretNames = { listing: 'multi-cluster-label', secrets };
      return { data, validate: [{ value: data, pointer: '' }] };
    }
    const headerIndex = lines.findIndex((l) => l.trim() !== '');
    // A namespace without Secrets prints nothing on stdout ("No resources found" goes to stderr).
    if (headerIndex >= 0 && !HEADER.test(lines[headerIndex]!.trim())) throw new ArtifactParseError('no `NAME  TYPE  DATA  AGE` header: not a `kubectl get secrets` table', headerIndex + 1);
    const withNamespace = headerIndex >= 0 && lines[headerIndex]!.trim().startsWith('NAMESPACE');
    const secrets: SecretNames['secrets'] = [];
    for (let i = headerIndex + 1; headerIndex >= 0 && i < lines.length; i++) {
      const words = lines[i]!.trim().split(/\s+/);
      if (words[0] === '') continue;
      // Only names and types are kept: DATA is a count of keys, AGE the Secret's age.
      const [namespace, name, type] = withNamespace ? words : [undefined, ...words];
      if (!name || !type || words.length < (withNamespace ? 5 : 4)) throw new ArtifactParseError(`line ${i + 1} is not a \`kubectl get secrets\` row`, i + 1);
      secrets.push({ ...(namespace ? { namespace } : context.namespace ? { namespace: context.namespace } : {}), name, type, line: i + 1 });
    }
    const data: SecretNames = { listing: 'table', ...(context.namespace ? { namespace: context.namespace } : {}), secrets };
    return { data, validate: [{ value: data, pointer: '' }] };
  },
});

/** `istioctl create-remote-secret` names its Secret `istio-remote-secret-<cluster>`. */
export const REMOTE_SECRET_PREFIX = 'istio-remote-secret-';

/** The remote cluster a remote secret is for, from its name (the data key holds it too, never read). */
export function remoteClusterOf(name: string): string | undefined {
  return name.startsWith(REMOTE_SECRET_PREFIX) && name.length > REMOTE_SECRET_PREFIX.length ? name.slice(REMOTE_SECRET_PREFIX.length) : undefined;
}
