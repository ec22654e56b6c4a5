import { ofKind } from '../../artifacts/artifact.js';
import type { TopRecord } from '../facets.js';
import { builtFacet, defineBuilder } from './types.js';

/** `kubectl top` rows; without `-A` it prints no namespace: taken from the pod of that name when only one has it. */
export const topBuilder = defineBuilder({
  facet: 'kubectl.top',
  uses: ['kubectl.pods'],
  build(artifacts, built) {
    const namespacesByPod = new Map<string, Set<string>>();
    for (const pod of builtFacet(built, 'kubectl.pods')) {
      const set = namespacesByPod.get(pod.name) ?? new Set();
      set.add(pod.namespace);
      namespacesByPod.set(pod.name, set);
    }
    const rows: TopRecord[] = [];
    for (const artifact of ofKind(artifacts, 'kubectl.top')) {
      for (const row of artifact.data.rows) {
        const candidates = row.namespace ? undefined : namespacesByPod.get(row.pod);
        rows.push({ ...row, ...(candidates?.size === 1 ? { namespace: [...candidates][0]! } : {}), path: artifact.path });
      }
    }
    return rows;
  },
});
