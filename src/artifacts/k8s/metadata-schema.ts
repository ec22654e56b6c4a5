/** `metadata` as every Kubernetes object has it: the part of it the analyzer reads. */
export const stringMap = { type: 'object', additionalProperties: { type: 'string' } } as const;

export const objectMetaProperties = {
  name: { type: 'string', minLength: 1 },
  namespace: { type: 'string' },
  labels: stringMap,
  annotations: stringMap,
} as const;
