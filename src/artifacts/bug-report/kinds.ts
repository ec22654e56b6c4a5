import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
import { ArtifactParseError, defineDocumentKind } from '../artifact-kind.js';

/**
 * What an `istioctl bug-report` archive says about where and what it was taken from. They feed the
 * report header (cluster, Istio versions), not rules. Recognised by their bug-report path only:
 * their content is too plain to sniff.
 */

/** `cluster/cluster-context`: `kubectl config current-context`, then the API server URL. */
const clusterContextSchema = {
  $id: 'bugReport.clusterContext',
  title: 'istioctl bug-report cluster/cluster-context: the kubectl context and API server',
  type: 'object',
  required: ['context'],
  additionalProperties: false,
  properties: { context: { type: 'string', minLength: 1 }, server: { type: 'string' } },
} as const satisfies JSONSchema;
export type ClusterContext = FromSchema<typeof clusterContextSchema>;

export const clusterContextKind = defineDocumentKind<ClusterContext>({
  id: 'bugReport.clusterContext',
  title: 'istioctl bug-report cluster context',
  schema: clusterContextSchema,
  collect: ['kubectl config current-context'],
  paths: [/(?:^|\/)cluster\/cluster-context$/],
  sniff: () => false,
  parse(text) {
    const [context, server] = text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l !== '');
    if (!context) throw new ArtifactParseError('empty: no kubectl context name in it');
    const data: ClusterContext = { context, ...(server ? { server } : {}) };
    return { data, validate: [{ value: data, pointer: '' }] };
  },
});

/**
 * `versions`: the istioctl CLI's BuildInfo, the control plane's MeshInfo per revision, and
 * `Revision <rev>: Versions {1.24.0, 1.23.2}` for the proxies (Go `%#v` of istio's version types).
 */
const versionsSchema = {
  $id: 'bugReport.versions',
  title: 'istioctl bug-report versions: istioctl, control plane and proxy versions',
  type: 'object',
  required: ['controlPlane', 'proxies'],
  additionalProperties: false,
  properties: {
    cli: { type: 'string' },
    controlPlane: { type: 'array', items: { type: 'string' } },
    proxies: { type: 'array', items: { type: 'string' } },
  },
} as const satisfies JSONSchema;
export type BugReportVersions = FromSchema<typeof versionsSchema>;

/** `Version:"1.22.3"`, not `GolangVersion:"go1.22.5"`. */
const BUILD_VERSION = /(?<![A-Za-z])Version:"([^"]+)"/g;
const PROXY_VERSIONS = /^Revision [^:]*: Versions \{([^}]*)\}/;

export const versionsKind = defineDocumentKind<BugReportVersions>({
  id: 'bugReport.versions',
  title: 'istioctl bug-report versions',
  schema: versionsSchema,
  collect: ['istioctl version'],
  paths: [/^(?:bug-report\/)?versions$/],
  sniff: () => false,
  parse(text) {
    let section: 'cli' | 'controlPlane' | 'proxies' | undefined;
    const data: BugReportVersions = { controlPlane: [], proxies: [] };
    for (const line of text.split(/\r?\n/)) {
      if (line.startsWith('CLI version:')) section = 'cli';
      else if (/control plane revisions\/versions/.test(line)) section = 'controlPlane';
      else if (/proxy revisions\/versions/.test(line)) section = 'proxies';
      else if (section === 'cli' && data.cli === undefined) {
        const version = [...line.matchAll(BUILD_VERSION)][0]?.[1];
        if (version) data.cli = version;
      } else if (section === 'controlPlane') {
        for (const m of line.matchAll(BUILD_VERSION)) if (!data.controlPlane.includes(m[1]!)) data.controlPlane.push(m[1]!);
      } else if (section === 'proxies') {
        const list = PROXY_VERSIONS.exec(line)?.[1];
        for (const v of list?.split(',').map((s) => s.trim()) ?? []) if (v && !data.proxies.includes(v)) data.proxies.push(v);
      }
    }
    if (data.cli === undefined && data.controlPlane.length === 0 && data.proxies.length === 0) {
      throw new ArtifactParseError('no istioctl, control plane or proxy version in it');
    }
    return { data, validate: [{ value: data, pointer: '' }] };
  },
});
