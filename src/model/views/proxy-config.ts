import type { ConfigSection } from '../../artifacts/envoy/summary-schema.js';
import type { PodRecord, ProxyConfigRecord } from '../facets.js';
import { defineView } from './types.js';

/** One proxy's Envoy configuration, from however many files the bundle has for it. */
export interface ProxyConfig {
  /** `<pod>.<namespace>` as proxy-status names it, or the file's path when nothing names the pod. */
  id: string;
  pod?: string;
  namespace?: string;
  /** The pod from the bundle's pod listings, when they have it. */
  podRecord?: PodRecord;
  /**
   * The file each section comes from. A customer may send `proxy-config all` and `proxy-config
   * cluster` for the same pod: the first file by path that holds a section is the one read, so
   * nothing is counted twice.
   */
  sections: Partial<Record<ConfigSection, ProxyConfigRecord>>;
}

export interface ProxyConfigView {
  proxies: ProxyConfig[];
  byId: ReadonlyMap<string, ProxyConfig>;
}

export const proxyConfigView = defineView({
  id: 'proxyConfig',
  reads: ['envoy.configDump', 'kubectl.pods'],
  build(facets) {
    const pods = new Map(facets['kubectl.pods'].map((p) => [`${p.name}.${p.namespace}`, p]));
    const byId = new Map<string, ProxyConfig>();
    for (const record of facets['envoy.configDump']) {
      const id = record.pod && record.namespace ? `${record.pod}.${record.namespace}` : record.path;
      let proxy = byId.get(id);
      if (!proxy) {
        const podRecord = pods.get(id);
        proxy = { id, ...(record.pod ? { pod: record.pod } : {}), ...(record.namespace ? { namespace: record.namespace } : {}), ...(podRecord ? { podRecord } : {}), sections: {} };
        byId.set(id, proxy);
      }
      for (const section of record.summary.sections) proxy.sections[section] ??= record;
    }
    return { proxies: [...byId.values()], byId };
  },
});

/** `/configs/1/dynamic_active_clusters/7/cluster` → `/configs/1`: the section an element's pointer lies in. */
export function sectionPointer(pointer: string | undefined): string {
  const match = pointer ? /^(\/configs\/\d+)\//.exec(pointer) : null;
  return match ? match[1]! : '';
}
