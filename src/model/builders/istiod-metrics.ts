import { ofKind } from '../../artifacts/artifact.js';
import { builtFacet, defineBuilder, podOf } from './types.js';

/** istiod `/metrics` summaries, each tied to its istiod pod by the bundle's path or manifest. */
export const istiodMetricsBuilder = defineBuilder({
  facet: 'istiod.metrics',
  uses: ['kubectl.pods'],
  build: (artifacts, built) => ofKind(artifacts, 'istiod.metrics').map((artifact) => ({ ...podOf(artifact, builtFacet(built, 'kubectl.pods')), metrics: artifact.data })),
});
