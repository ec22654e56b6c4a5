import { stringify } from 'yaml';
import type { AnalyzeMessage } from '../../artifacts/analyze/schema.js';
import type { IstioMessage } from '../../analysis/messages.js';
import { OFFLINE_ANALYZERS } from '../../analysis/analyzers/index.js';
import { ISTIO_CODES } from '../../analysis/messages.js';
import type { AnalyzeRecord, ResourceRecord } from '../../model/facets.js';
import type { ConfigurationView } from '../../model/views/configuration.js';
import { evidenceAt, subjectText } from '../evidence.js';
import type { Evidence, Subject } from '../rule.js';
import { shell } from '../shell.js';

/**
 * What the configuration rules share when they turn an offline analyzer's message into a finding:
 * the subject, evidence down to the field, the imported `istioctl analyze` message about the same
 * fault (one finding cites both), and corrected YAML fragments.
 */

export function subjectOf(view: ConfigurationView, resource: ResourceRecord): Subject {
  const namespace = view.index.namespaceOf(resource);
  return { kind: resource.object.kind, ...(resource.object.kind === 'Namespace' ? {} : { namespace }), name: resource.object.metadata.name };
}

export function resourceName(view: ConfigurationView, resource: ResourceRecord): string {
  return subjectText(subjectOf(view, resource));
}

/** The value at a JSON pointer inside an object (RFC 6901). */
export function valueAt(object: unknown, pointer: string): unknown {
  if (!pointer) return object;
  let current: unknown = object;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** The offending field: the resource's file and line, the pointer of the field, its value as excerpt. */
export function fieldEvidence(message: IstioMessage): Evidence {
  const value = message.field ? valueAt(message.resource.object, message.field) : undefined;
  const excerpt = value === undefined ? undefined : typeof value === 'string' ? value : JSON.stringify(value);
  return evidenceAt(message.resource.source, excerpt, message.field ?? '');
}

/**
 * Messages of an imported `istioctl analyze` output about the same fault: same code, same resource.
 * Matching on the text too would miss the same fault in another istioctl version's wording.
 */
export function importedCounterparts(message: IstioMessage, view: ConfigurationView, records: readonly AnalyzeRecord[]): Evidence[] {
  const subject = subjectOf(view, message.resource);
  const out: Evidence[] = [];
  for (const record of records) {
    for (const imported of record.messages) {
      const origin = imported.origin;
      if (imported.code !== message.code || !origin || origin.kind !== subject.kind || origin.name !== subject.name) continue;
      if ((origin.namespace ?? '') !== (subject.namespace ?? '')) continue;
      if (!sameReference(message, imported.message)) continue;
      out.push(evidenceAt({ path: record.path, ...(imported.line ? { line: imported.line } : {}), ...(imported.pointer ? { pointer: imported.pointer } : {}) }, imported.text ?? imported.message));
    }
  }
  return out;
}

/**
 * IST0101 covers many faults of one resource (a host, a subset, a gateway, a selector…): its text
 * (`Referenced <what> not found: "<value>"`) says which; IST0173, one per subset of a DestinationRule,
 * names it (`The Subset <name> defined in the DestinationRule …`, Istio's analysis messages). Another
 * wording (an older istioctl) falls back to code and resource.
 */
function sameReference(message: IstioMessage, importedText: string): boolean {
  if (message.code === 'IST0173') {
    const subset = /^The Subset (\S+) defined in the DestinationRule/.exec(importedText.trim())?.[1];
    return subset === undefined || subset === message.details.subset;
  }
  if (message.code !== 'IST0101') return true;
  const m = /^Referenced (.+?) not found: "(.*)"$/.exec(importedText.trim());
  if (!m) return true;
  const [, what, value] = m as unknown as [string, string, string];
  const reference = message.details.reference ?? '';
  const kind = what.startsWith('host+subset') ? 'host+subset' : what.startsWith('mirror+subset') ? 'mirror+subset' : what;
  if (kind !== reference) return false;
  const host = message.details.host ?? '';
  switch (reference) {
    case 'host+subset':
    case 'mirror+subset':
      return value.endsWith(`+${message.details.subset}`) && (value.startsWith(`${host}.`) || value.startsWith(`${host}+`));
    case 'host:port':
      return value === `${host}:${message.details.port}`;
    case 'gateway':
      return value === message.details.gateway;
    default:
      return value === host;
  }
}

/** True when an offline analyzer derived the same fault (code, resource, reference), so the imported message is reported there. */
export function derivedOffline(view: ConfigurationView, imported: AnalyzeMessage): boolean {
  const origin = imported.origin;
  if (!origin) return false;
  const candidates = derivedByResource(view).get(`${imported.code}|${origin.kind}|${origin.namespace ?? ''}|${origin.name}`) ?? [];
  return candidates.some((m) => sameReference(m, imported.message));
}

const byResource = new WeakMap<ConfigurationView, Map<string, IstioMessage[]>>();

/** Offline messages by (code, resource), built once: CFG001 asks for each imported message. */
function derivedByResource(view: ConfigurationView): Map<string, IstioMessage[]> {
  let map = byResource.get(view);
  if (!map) {
    map = new Map();
    for (const m of view.messages) {
      const s = subjectOf(view, m.resource);
      const key = `${m.code}|${s.kind}|${s.namespace ?? ''}|${s.name}`;
      const list = map.get(key);
      if (list) list.push(m);
      else map.set(key, [m]);
    }
    byResource.set(view, map);
  }
  return map;
}

/** Titles and reasons are plain text (renderers escape them): `name` becomes "name". */
export function plain(text: string): string {
  return text.replace(/`([^`]*)`/g, '"$1"');
}

/** `IST0101 ReferencedResourceNotFound`: Istio's words, for engineers who search for them. */
export function istioCodeLabel(message: IstioMessage): string {
  return `${message.code} ${ISTIO_CODES[message.code].name}`;
}

/**
 * Where the finding comes from, and Istio's code for it: " `istioctl analyze` in the bundle reports
 * the same. Istio reports this as IST0101 …". When the bundle's analyze output is silent about it,
 * say so: that disagreement is worth a look (an older istioctl, or resources not in the bundle).
 */
export function provenance(message: IstioMessage, imported: readonly Evidence[], analyze: readonly AnalyzeRecord[]): string {
  const source =
    imported.length > 0
      ? ' `istioctl analyze` in the bundle reports the same.'
      : analyze.length > 0
        ? ' Found from the resources in the bundle; the bundle\'s `istioctl analyze` output does not report it (an older istioctl, or a resource it did not see).'
        : ' Found from the resources in the bundle (no `istioctl analyze` output needed).';
  const code = OFFLINE_ANALYZERS.find((a) => a.name === message.analyzer)?.beyondIstio
    ? ` istioctl analyze does not check this; the closest Istio code is ${istioCodeLabel(message)}.`
    : ` Istio reports this as ${istioCodeLabel(message)}.`;
  return source + code;
}

/**
 * A corrected fragment: the object at `pointer` as it should read, headed by where it goes, so it
 * can be pasted into `kubectl edit` at that place.
 */
export function fragmentYaml(view: ConfigurationView, resource: ResourceRecord, pointer: string, corrected: unknown, note?: string): string {
  const header = `# ${resourceName(view, resource)}, at ${pointer}${note ? ` (${note})` : ''}`;
  return `${header}\n${stringify(corrected, { lineWidth: 0 }).trimEnd()}`;
}

/** Resource names kubectl resolves without ambiguity (`gateways` alone could be the Gateway API's). */
const KUBECTL_RESOURCE: Record<string, string> = {
  VirtualService: 'virtualservices.networking.istio.io',
  DestinationRule: 'destinationrules.networking.istio.io',
  Gateway: 'gateways.networking.istio.io',
  ServiceEntry: 'serviceentries.networking.istio.io',
};

export function getCommand(view: ConfigurationView, resource: ResourceRecord): string {
  const s = subjectOf(view, resource);
  const plural = KUBECTL_RESOURCE[s.kind] ?? s.kind.toLowerCase();
  return s.namespace ? shell`kubectl get ${plural} ${s.name} -n ${s.namespace} -o yaml` : shell`kubectl get ${plural} ${s.name} -o yaml`;
}

export function analyzerDocsFor(message: IstioMessage): string {
  return `https://istio.io/latest/docs/reference/config/analysis/${message.code.toLowerCase()}/`;
}
