import { ofKind } from '../../artifacts/artifact.js';
import type { Pod } from '../../artifacts/k8s/pod-schema.js';
import type { PodRecord } from '../facets.js';
import { defineBuilder, source } from './types.js';

/**
 * Pods from pod listings and from mixed resource lists (`kubectl get all`, bug-report
 * `k8s-resources`). The same pod in two listings: the first by path is kept.
 */
export const podsBuilder = defineBuilder({
  facet: 'kubectl.pods',
  build(artifacts) {
    const pods: PodRecord[] = [];
    const seen = new Set<string>();
    const add = (object: Pod, path: string, pointer?: string, line?: number) => {
      const namespace = object.metadata.namespace ?? 'default';
      const key = `${namespace}/${object.metadata.name}`;
      if (seen.has(key)) return;
      seen.add(key);
      pods.push({ namespace, name: object.metadata.name, pod: object, source: source(path, pointer, line) });
    };
    for (const artifact of artifacts) {
      if (artifact.kind === 'kubectl.pods') for (const located of artifact.data) add(located.object, artifact.path, located.pointer, located.line);
      else if (artifact.kind === 'k8s.resources') {
        // A Pod in a resource list passed the resource schema; the pod schema is its richer reading.
        for (const located of artifact.data) if (located.object.kind === 'Pod') add(located.object as unknown as Pod, artifact.path, located.pointer, located.line);
      }
    }
    return pods;
  },
  // A resource listing provides pods only when it holds some; an empty pod listing still provides them.
  provided: (artifacts, pods) => ofKind(artifacts, 'kubectl.pods').length > 0 || pods.length > 0,
});
