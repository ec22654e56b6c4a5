import { ofKind } from '../../artifacts/artifact.js';
import { builtFacet, defineBuilder, podOf } from './types.js';

/** Envoy stats of each proxy, tied to its pod by the bundle's path or manifest. */
export const envoyStatsBuilder = defineBuilder({
  facet: 'envoy.stats',
  uses: ['kubectl.pods'],
  build: (artifacts, built) => ofKind(artifacts, 'envoy.stats').map((artifact) => ({ ...podOf(artifact, builtFacet(built, 'kubectl.pods')), summary: artifact.data })),
});

/** Envoy's `/certs` per proxy. */
export const envoyCertsBuilder = defineBuilder({
  facet: 'envoy.certs',
  uses: ['kubectl.pods'],
  build: (artifacts, built) => ofKind(artifacts, 'envoy.certs').map((artifact) => ({ ...podOf(artifact, builtFacet(built, 'kubectl.pods')), ...artifact.data })),
});

/** PEM files of public certificates. */
export const publicCertsBuilder = defineBuilder({
  facet: 'certs.public',
  uses: [],
  build: (artifacts) => ofKind(artifacts, 'certs.public').map((artifact) => ({ path: artifact.path, ...artifact.data })),
});

/** Open file descriptors and their limit, per proxy. */
export const fileDescriptorsBuilder = defineBuilder({
  facet: 'proxy.fileDescriptors',
  uses: ['kubectl.pods'],
  build: (artifacts, built) => ofKind(artifacts, 'proxy.fileDescriptors').map((artifact) => ({ ...podOf(artifact, builtFacet(built, 'kubectl.pods')), ...artifact.data })),
});
