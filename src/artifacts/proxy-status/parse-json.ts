import { ArtifactParseError } from '../artifact-kind.js';
import { isRecord } from '../k8s/documents.js';
import { shortXdsType, splitProxyId, type ProxySync, type ProxySyncRow, type XdsStatus } from './schema.js';
import { jsonErrorLine, lineAtOffset } from '../json-text.js';

/**
 * `istioctl proxy-status -o json` (≥ 1.30): one DiscoveryResponse of ClientConfig per istiod, printed
 * one after another (concatenated JSON documents, not an array).
 */
export function parseProxyStatusJson(text: string): ProxySync {
  const proxies: ProxySyncRow[] = [];
  splitConcatenatedJson(text).forEach((document, d) => {
    const istiod = istiodId(document);
    const resources = Array.isArray(document.resources) ? document.resources : [];
    resources.forEach((resource, r) => {
      if (!isRecord(resource) || !isRecord(resource.node)) return;
      const id = String(resource.node.id ?? '');
      const metadata = isRecord(resource.node.metadata) ? resource.node.metadata : {};
      const row: ProxySyncRow = { pointer: `/${d}/resources/${r}`, id, ...splitProxyId(id), statuses: [] };
      if (typeof metadata.CLUSTER_ID === 'string') row.cluster = metadata.CLUSTER_ID;
      if (typeof metadata.ISTIO_VERSION === 'string') row.version = metadata.ISTIO_VERSION;
      if (istiod) row.istiod = istiod;
      const configs = Array.isArray(resource.genericXdsConfigs) ? resource.genericXdsConfigs : [];
      for (const config of configs) {
        if (!isRecord(config)) continue;
        row.statuses.push({ type: shortXdsType(String(config.typeUrl ?? '')), status: statusOf(config.configStatus) });
      }
      proxies.push(row);
    });
  });
  return { source: 'proxy-status-json', perTypeStatus: true, proxies };
}

/** envoy.service.status.v3.ConfigStatus → the words istioctl prints. */
function statusOf(value: unknown): XdsStatus['status'] {
  switch (value) {
    case 'SYNCED':
      return 'SYNCED';
    case 'STALE':
      return 'STALE';
    case 'ERROR':
      return 'ERROR';
    case 'NOT_SENT':
      return 'NOT SENT';
    default:
      return 'IGNORED'; // UNKNOWN: the type is not subscribed
  }
}

/** controlPlane.identifier is itself a JSON string: {"Component":"istiod","ID":"istiod-…",…}. */
function istiodId(document: Record<string, unknown>): string | undefined {
  const controlPlane = document.controlPlane;
  if (!isRecord(controlPlane) || typeof controlPlane.identifier !== 'string') return undefined;
  try {
    const identifier: unknown = JSON.parse(controlPlane.identifier);
    return isRecord(identifier) && typeof identifier.ID === 'string' ? identifier.ID : undefined;
  } catch {
    return undefined;
  }
}

/** Splits `{…}{…}` or `{…}\n{…}` into objects by tracking brace depth outside strings. */
export function splitConcatenatedJson(text: string): Record<string, unknown>[] {
  const documents: Record<string, unknown>[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{') {
      if (depth++ === 0) start = i;
    } else if (c === '}') {
      if (--depth === 0) {
        const slice = text.slice(start, i + 1);
        try {
          documents.push(JSON.parse(slice) as Record<string, unknown>);
        } catch (error) {
          const inDocument = jsonErrorLine(slice, error as Error);
          throw new ArtifactParseError(`malformed JSON: ${(error as Error).message}`, inDocument === undefined ? undefined : lineAtOffset(text, start) + inDocument - 1);
        }
      }
    } else if (depth === 0 && c !== undefined && !/\s/.test(c)) {
      throw new ArtifactParseError(`unexpected "${c}" between JSON documents`, lineAtOffset(text, i));
    }
  }
  if (depth !== 0) throw new ArtifactParseError('malformed JSON: the last document is not closed (truncated file?)');
  return documents;
}
