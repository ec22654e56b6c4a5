import type { FromSchema } from 'json-schema-to-ts';
import { objectMetaProperties } from './metadata-schema.js';

/**
 * The part of a Kubernetes Pod the analyzer reads (`kubectl get pods -o json`). Other fields are
 * allowed and ignored; the fields listed must have these types.
 */

const containerState = {
  type: 'object',
  properties: {
    running: { type: 'object', properties: { startedAt: { type: ['string', 'null'] } } },
    waiting: { type: 'object', properties: { reason: { type: 'string' }, message: { type: 'string' } } },
    terminated: {
      type: 'object',
      properties: {
        reason: { type: 'string' },
        exitCode: { type: 'integer' },
        message: { type: 'string' },
        startedAt: { type: ['string', 'null'] },
        finishedAt: { type: ['string', 'null'] },
      },
    },
  },
} as const;

const containerStatus = {
  type: 'object',
  required: ['name'],
  properties: {
    name: { type: 'string' },
    ready: { type: 'boolean' },
    started: { type: 'boolean' },
    restartCount: { type: 'integer', minimum: 0 },
    image: { type: 'string' },
    state: containerState,
    lastState: containerState,
  },
} as const;

const resourceList = { type: 'object', additionalProperties: { type: ['string', 'number'] } } as const;

const container = {
  type: 'object',
  required: ['name'],
  properties: {
    name: { type: 'string' },
    image: { type: 'string' },
    restartPolicy: { type: 'string' },
    resources: { type: 'object', properties: { requests: resourceList, limits: resourceList } },
  },
} as const;

export const podSchema = {
  $id: 'kubectl.pods',
  title: 'Kubernetes Pod (kubectl get pods -o json|yaml: a Pod, a List of Pods or a YAML stream of Pods)',
  type: 'object',
  required: ['kind', 'metadata'],
  properties: {
    apiVersion: { type: 'string' },
    kind: { const: 'Pod' },
    metadata: {
      type: 'object',
      required: ['name'],
      properties: {
        ...objectMetaProperties,
        creationTimestamp: { type: ['string', 'null'] },
      },
    },
    spec: {
      type: 'object',
      properties: {
        nodeName: { type: 'string' },
        containers: { type: 'array', items: container },
        initContainers: { type: 'array', items: container },
      },
    },
    status: {
      type: 'object',
      properties: {
        phase: { type: 'string' },
        reason: { type: 'string' },
        message: { type: 'string' },
        podIP: { type: 'string' },
        startTime: { type: ['string', 'null'] },
        conditions: {
          type: 'array',
          items: {
            type: 'object',
            required: ['type', 'status'],
            properties: {
              type: { type: 'string' },
              status: { enum: ['True', 'False', 'Unknown'] },
              reason: { type: 'string' },
              message: { type: 'string' },
              lastTransitionTime: { type: ['string', 'null'] },
            },
          },
        },
        containerStatuses: { type: 'array', items: containerStatus },
        initContainerStatuses: { type: 'array', items: containerStatus },
      },
    },
  },
} as const;

export type Pod = FromSchema<typeof podSchema>;
export type ContainerStatus = FromSchema<typeof containerStatus>;
