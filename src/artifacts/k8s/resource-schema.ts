import type { FromSchema } from 'json-schema-to-ts';
import { objectMetaProperties } from './metadata-schema.js';

/** What every Kubernetes or Istio object in a bundle must have for the analyzer to use it. */
export const resourceSchema = {
  $id: 'k8s.resources',
  title: 'Kubernetes or Istio object (kubectl get -o json|yaml: an object, a List, or a YAML stream)',
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata'],
  properties: {
    apiVersion: { type: 'string', minLength: 1 },
    kind: { type: 'string', minLength: 1 },
    metadata: {
      type: 'object',
      required: ['name'],
      properties: objectMetaProperties,
    },
    // Istio configuration kinds must have a spec object; other kinds may lack one (ConfigMap…).
    spec: { type: 'object' },
  },
  if: { properties: { apiVersion: { type: 'string', pattern: '^(networking|security|telemetry|extensions)\\.istio\\.io/' } } },
  then: { required: ['spec'], properties: { spec: { type: 'object' } } },
} as const;

export type KubernetesObject = FromSchema<typeof resourceSchema> & Record<string, unknown>;
