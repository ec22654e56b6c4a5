import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
import { ArtifactParseError, defineDocumentKind } from '../artifact-kind.js';
import { firstNonEmptyLine } from '../text.js';

/**
 * Every Service of the cluster by namespace and name, from one cluster-wide listing: the count
 * istiod's size depends on, complete by construction (`-A`), small (two columns, no specs) and
 * without any value an application could keep in a Service. Read from
 * `kubectl get services -A -o custom-columns=NAMESPACE:.metadata.namespace,NAME:.metadata.name`
 * or the default `kubectl get services -A` table, whose first two columns are the same.
 */
const serviceNamesSchema = {
  $id: 'kubectl.serviceNames',
  title: 'Services of every namespace, by namespace and name (kubectl get services -A)',
  type: 'object',
  required: ['services'],
  additionalProperties: false,
  properties: {
    services: {
      type: 'array',
      items: {
        type: 'object',
        required: ['namespace', 'name', 'line'],
        additionalProperties: false,
        properties: { namespace: { type: 'string', minLength: 1 }, name: { type: 'string', minLength: 1 }, line: { type: 'integer', minimum: 1 } },
      },
    },
  },
} as const satisfies JSONSchema;
export type ServiceNames = FromSchema<typeof serviceNamesSchema>;

/** The custom-columns header, or the default table's (`NAMESPACE NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE`). */
const HEADER = /^NAMESPACE\s+NAME(?:\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE)?\s*$/;

export const serviceNamesKind = defineDocumentKind<ServiceNames>({
  id: 'kubectl.serviceNames',
  title: 'Service names of every namespace (kubectl get services -A)',
  schema: serviceNamesSchema,
  collect: ['kubectl get services -A -o custom-columns=NAMESPACE:.metadata.namespace,NAME:.metadata.name'],
  paths: [/(?:^|\/)kubernetes\/service-names\.txt$/],
  sniff: (head) => HEADER.test(firstNonEmptyLine(head).trim()),
  parse(text) {
    const lines = text.split(/\r?\n/);
    const headerIndex = lines.findIndex((l) => l.trim() !== '');
    // A cluster without Services prints nothing on stdout ("No resources found" goes to stderr).
    if (headerIndex >= 0 && !HEADER.test(lines[headerIndex]!.trim())) throw new ArtifactParseError('no `NAMESPACE  NAME` header: not a `kubectl get services -A` listing', headerIndex + 1);
    const services: ServiceNames['services'] = [];
    for (let i = headerIndex + 1; headerIndex >= 0 && i < lines.length; i++) {
      const [namespace, name] = lines[i]!.trim().split(/\s+/);
      if (!namespace) continue;
      if (!name) throw new ArtifactParseError(`line ${i + 1} has no Service name`, i + 1);
      services.push({ namespace, name, line: i + 1 });
    }
    const data = { services };
    return { data, validate: [{ value: data, pointer: '' }] };
  },
});
