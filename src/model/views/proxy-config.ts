import type { ConfigSection } from '../../artifacts/envoy/summary-schema.js';
import type { ProxyConfigRecord } from '../facets.js';
import { defineView } from './types.js';

/** One proxy's Envoy configuration, from however many files the bundle has for it. */
export interface ProxyConfig {
  /** `<pod>.<namespace>` as proxy-status names it, or the file's path when nothing names the pod. */
  id: string;
  pod?: string;
  namespace?: string;
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
  reads: ['envoy.configDump'],
  build(facets) {
    const byId = new Map<string, ProxyConfig>();
    for (const record of facets['envoy.configDump']) {
      const id = record.pod && record.namespace ? `${record.pod}.${record.namespace}` : record.path;
      let proxy = byId.get(id);
      if (!proxy) {
        proxy = { id, ...(record.pod ? { pod: record.pod } : {}), ...(record.namespace ? { namespace: record.namespace } : {}), sections: {} };
        byId.set(id, proxy);
      }
      for (const section of record.summary.sections) proxy.sections[section] ??= record;
    }
    return { proxies: [...byId.values()], byId };
  },
});
