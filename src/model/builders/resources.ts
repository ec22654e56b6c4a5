import { ofKind } from '../../artifacts/artifact.js';
import { defineBuilder, source } from './types.js';

/** Kubernetes and Istio objects other than Pods (those are the pods facet's). */
export const resourcesBuilder = defineBuilder({
  facet: 'k8s.resources',
  build: (artifacts) =>
    ofKind(artifacts, 'k8s.resources').flatMap((artifact) =>
      artifact.data.filter((located) => located.object.kind !== 'Pod').map((located) => ({ object: located.object, source: source(artifact.path, located.pointer, located.line) })),
    ),
});

/** Cluster-wide Service name listings, as read. */
export const serviceNamesBuilder = defineBuilder({
  facet: 'kubectl.serviceNames',
  build: (artifacts) => ofKind(artifacts, 'kubectl.serviceNames').map((artifact) => ({ ...artifact.data, path: artifact.path })),
});

/** Secret name listings (names and types, never values), as read. */
export const secretNamesBuilder = defineBuilder({
  facet: 'kubectl.secretNames',
  build: (artifacts) => ofKind(artifacts, 'kubectl.secretNames').map((artifact) => ({ ...artifact.data, path: artifact.path })),
});
