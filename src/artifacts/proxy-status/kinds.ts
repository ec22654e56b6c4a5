import { defineDocumentKind } from '../artifact-kind.js';
import { firstNonEmptyLine, stripAnsi } from '../text.js';
import { parseProxyStatusJson } from './parse-json.js';
import { parseSyncz } from './parse-syncz.js';
import { parseProxyStatusTable } from './parse-table.js';
import { proxySyncSchema, type ProxySync } from './schema.js';

const CLIENT_CONFIG = 'type.googleapis.com/envoy.service.status.v3.ClientConfig';

export const proxyStatusKind = defineDocumentKind<ProxySync>({
  id: 'istioctl.proxyStatus',
  title: 'istioctl proxy-status',
  schema: proxySyncSchema,
  collect: ['istioctl proxy-status --verbosity 1   # istioctl ≥ 1.27 hides per-type status without it'],
  paths: [/(?:^|\/)proxy-status(?:\.(?:txt|json|out))?$/],
  sniff: (head) =>
    /^NAME\s.*\b(?:ISTIOD|PILOT)\s+VERSION\b/.test(stripAnsi(firstNonEmptyLine(head))) ||
    (head.trimStart().startsWith('{') && head.includes(CLIENT_CONFIG)),
  parse(text) {
    const data = text.trimStart().startsWith('{') ? parseProxyStatusJson(text) : parseProxyStatusTable(text);
    return { data, validate: [{ value: data, pointer: '' }] };
  },
});

export const synczKind = defineDocumentKind<ProxySync>({
  id: 'istiod.syncz',
  title: 'istiod debug/syncz',
  schema: { ...proxySyncSchema, $id: 'istiod.syncz', title: 'Proxy sync status from istiod debug/syncz' },
  collect: ['kubectl exec deploy/istiod -n istio-system -c discovery -- pilot-discovery request GET /debug/syncz'],
  paths: [/(?:^|\/)istio\/(?<namespace>[^/]+)\/(?<pod>[^/]+)\/debug\/syncz$/, /(?:^|\/)istiod\/(?<pod>[^/]+)\/syncz\.json$/, /(?:^|\/)debug\/syncz(?:\.json)?$/],
  sniff: (head) => /^\s*\[\s*\{/.test(head) && /"proxy"\s*:/.test(head) && /"(?:cluster|listener)_(?:sent|acked)"\s*:/.test(head),
  parse(text) {
    const data = parseSyncz(text);
    return { data, validate: [{ value: data, pointer: '' }] };
  },
});
