import { ofKind } from '../../artifacts/artifact.js';
import { defineBuilder } from './types.js';

/** `istioctl proxy-status` tables and JSON, each with the file it came from. */
export const proxyStatusBuilder = defineBuilder({
  facet: 'istioctl.proxyStatus',
  build: (artifacts) => ofKind(artifacts, 'istioctl.proxyStatus').map((a) => ({ ...a.data, path: a.path })),
});

/** istiod `debug/syncz`: one istiod's view, so a row without an istiod is the pod the file was fetched from. */
export const synczBuilder = defineBuilder({
  facet: 'istiod.syncz',
  build: (artifacts) =>
    ofKind(artifacts, 'istiod.syncz').map((artifact) => {
      const { pod: istiod, namespace: istiodNamespace } = artifact.context;
      const proxies = artifact.data.proxies.map((row) => (row.istiod || !istiod ? row : { ...row, istiod, ...(istiodNamespace ? { istiodNamespace } : {}) }));
      return { ...artifact.data, proxies, path: artifact.path, ...(istiod ? { fetchedFrom: { pod: istiod, ...(istiodNamespace ? { namespace: istiodNamespace } : {}) } } : {}) };
    }),
});
