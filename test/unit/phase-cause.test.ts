// phaseCause: why a pod is not Running, in Kubernetes' own words. The statuses are as `kubectl get pods -o json`
// prints them (the kubelet's eviction message format of pkg/kubelet/eviction, the scheduler's FitError text).
import { describe, expect, it } from 'vitest';
import type { Pod } from '../../src/artifacts/k8s/pod-schema.js';
import { phaseCause } from '../../src/model/pods.js';

const EVICTED = 'The node was low on resource: memory. Threshold quantity: 100Mi, available: 91228Ki. Container discovery was using 2891212Ki, request is 2Gi, has larger consumption of memory. ';
const UNSCHEDULABLE = '0/3 nodes are available: 3 Insufficient memory. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.';

const pod = (status: NonNullable<Pod['status']>): Pod => ({ kind: 'Pod', metadata: { name: 'istiod-7c4d8d6d7b-qz8wm', namespace: 'istio-system' }, status });

describe('phaseCause', () => {
  it("quotes an evicted pod's reason and the kubelet's message, without its closing full stop", () => {
    expect(phaseCause(pod({ phase: 'Failed', reason: 'Evicted', message: EVICTED }), 'Failed')).toEqual({
      text: 'Failed (Evicted: The node was low on resource: memory. Threshold quantity: 100Mi, available: 91228Ki. Container discovery was using 2891212Ki, request is 2Gi, has larger consumption of memory)',
      evidence: { pointer: '/status/message', excerpt: 'status.message: The node was low on resource: memory. Threshold quantity: 100Mi, available: 91228Ki. Container discovery was using 2891212Ki, request is 2Gi, has larger consumption of memory' },
    });
  });

  it('gives the reason alone when there is no message, and a message alone when there is no reason', () => {
    expect(phaseCause(pod({ phase: 'Failed', reason: 'Evicted' }), 'Failed')).toEqual({ text: 'Failed (Evicted)' });
    expect(phaseCause(pod({ phase: 'Failed', message: 'Pod was terminated in response to imminent node shutdown.' }), 'Failed')).toEqual({
      text: 'Failed (Pod was terminated in response to imminent node shutdown)',
      evidence: { pointer: '/status/message', excerpt: 'status.message: Pod was terminated in response to imminent node shutdown' },
    });
  });

  it("quotes the scheduler's PodScheduled=False condition of a Pending pod, pointing at that condition", () => {
    const conditions = [
      { type: 'Initialized', status: 'True' as const },
      { type: 'PodScheduled', status: 'False' as const, reason: 'Unschedulable', message: UNSCHEDULABLE, lastTransitionTime: '2025-06-03T02:41:19Z' },
    ];
    expect(phaseCause(pod({ phase: 'Pending', conditions }), 'Pending')).toEqual({
      text: 'Pending (Unschedulable: 0/3 nodes are available: 3 Insufficient memory. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod)',
      evidence: { pointer: '/status/conditions/1', excerpt: 'condition PodScheduled=False (Unschedulable: 0/3 nodes are available: 3 Insufficient memory. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod)' },
    });
    // A condition with a reason and no message still says why.
    expect(phaseCause(pod({ phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] }), 'Pending').text).toBe('Pending (SchedulingGated)');
  });

  it('says only the phase when Kubernetes says nothing more: a scheduled Pending pod, a condition on another phase, an empty condition', () => {
    expect(phaseCause(pod({ phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True' }] }), 'Pending')).toEqual({ text: 'Pending' });
    expect(phaseCause(pod({ phase: 'Unknown', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: UNSCHEDULABLE }] }), 'Unknown')).toEqual({ text: 'Unknown' });
    expect(phaseCause(pod({ phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False' }] }), 'Pending')).toEqual({ text: 'Pending' });
    expect(phaseCause(pod({ phase: 'Failed', message: '   ' }), 'Failed')).toEqual({ text: 'Failed' });
  });

  it('cuts a message longer than 300 characters (the scheduler lists every node group)', () => {
    const long = `0/120 nodes are available: ${Array.from({ length: 40 }, (_, i) => `${i + 1} node(s) had untolerated taint {pool-${i}: }`).join(', ')}.`;
    const { text, evidence } = phaseCause(pod({ phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: long }] }), 'Pending');
    expect(text).toBe(`Pending (Unschedulable: ${long.slice(0, 300)}…)`);
    expect(evidence?.excerpt).toBe(`condition PodScheduled=False (Unschedulable: ${long.slice(0, 300)}…)`);
    const exactly = 'x'.repeat(300);
    expect(phaseCause(pod({ phase: 'Failed', message: exactly }), 'Failed').text).toBe(`Failed (${exactly})`);
    expect(phaseCause(pod({ phase: 'Failed', message: `${exactly}y` }), 'Failed').text).toBe(`Failed (${exactly}…)`);
  });
});
