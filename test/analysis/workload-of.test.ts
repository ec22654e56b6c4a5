import { describe, expect, it } from 'vitest';
import { workloadOf } from '../../src/analysis/workloads.js';
import type { ResourceRecord } from '../../src/model/facets.js';

const pod = (metadata: Record<string, unknown>): ResourceRecord => ({ object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x', ...metadata } } as ResourceRecord['object'], source: { path: 'pods.json' } });

describe('the workload a pod belongs to', () => {
  it('a ReplicaSet owner stands for its Deployment: its name less the pod-template-hash', () => {
    const record = pod({ labels: { 'pod-template-hash': '65cfcf56f9' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'details-v1-65cfcf56f9', controller: true }] });
    expect(workloadOf('details-v1-65cfcf56f9-r2l8c', record)).toEqual({ kind: 'Deployment', name: 'details-v1' });
  });

  it('a ReplicaSet without the hash label stays a ReplicaSet; other owners are themselves', () => {
    expect(workloadOf('rs-pod', pod({ ownerReferences: [{ kind: 'ReplicaSet', name: 'legacy-rs' }] }))).toEqual({ kind: 'ReplicaSet', name: 'legacy-rs' });
    expect(workloadOf('redis-0', pod({ ownerReferences: [{ kind: 'StatefulSet', name: 'redis' }] }))).toEqual({ kind: 'StatefulSet', name: 'redis' });
    expect(workloadOf('ztunnel-7xk2p', pod({ ownerReferences: [{ kind: 'DaemonSet', name: 'ztunnel' }] }))).toEqual({ kind: 'DaemonSet', name: 'ztunnel' });
  });

  it('without a pod record, the shape of a Deployment pod name; anything else is the pod itself', () => {
    expect(workloadOf('reviews-v2-5b667bcbf8-mh4qd')).toEqual({ kind: 'Deployment', name: 'reviews-v2' });
    expect(workloadOf('redis-0')).toEqual({ kind: 'Pod', name: 'redis-0' });
    expect(workloadOf('payment-errors-today')).toEqual({ kind: 'Pod', name: 'payment-errors-today' });
  });
});
