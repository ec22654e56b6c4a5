import { ofKind } from '../../artifacts/artifact.js';
import { defineBuilder } from './types.js';

/** `istioctl version` outputs, as read. */
export const istioctlVersionBuilder = defineBuilder({
  facet: 'istioctl.version',
  build: (artifacts) => ofKind(artifacts, 'istioctl.version').map((artifact) => ({ ...artifact.data, path: artifact.path })),
});

/** `kubectl version` outputs, as read. */
export const kubectlVersionBuilder = defineBuilder({
  facet: 'kubectl.version',
  build: (artifacts) => ofKind(artifacts, 'kubectl.version').map((artifact) => ({ ...artifact.data, path: artifact.path })),
});
