import { ofKind } from '../../artifacts/artifact.js';
import type { TopRecord } from '../facets.js';
import { builtFacet, defineBuilder, namespaceByPodName } from './types.js';

/** `kubectl top` rows; without `-A` it prints no namespace: taken from the pod of that name when only one has it. */
export const topBuilder = defineBuilder({
  facet: 'kubectl.top',
  uses: ['kubectl.pods'],
  build(artifacts, built) {
    const namespaceOf = namespaceByPodName(builtFacet(built, 'kubectl.pods'));
    const rows: TopRecord[] = [];
    for (const artifact of ofKind(artifacts, 'kubectl.top')) {
      for (const row of artifact.data.rows) {
        const namespace = row.namespace ? undefined : namespaceOf(row.pod);
        rows.push({ ...row, ...(namespace ? { namespace } : {}), path: artifact.path });
      }
    }
    return rows;
  },
});
