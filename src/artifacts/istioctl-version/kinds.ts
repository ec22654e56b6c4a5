import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
import { ArtifactParseError, defineDocumentKind } from '../artifact-kind.js';
import { parseJsonText } from '../json-text.js';

/**
 * `istioctl version`: istioctl's own release, each control-plane component's (per revision), and
 * each proxy's. `-o json` mixes key casing (BuildInfo's json tags are lowercase, ServerInfo and
 * ProxyInfo have none: `Component`, `Revision`, `Info`, `ID`, `IstioVersion`, `Type`); old releases
 * name the component `pilot`, newer ones `istiod`; without a control plane istioctl prints
 * `no running Istio pods in "<ns>"` before the JSON. The text form is `client version: …`,
 * `control plane version: …`, `data plane version: 1.24.0 (4 proxies), 1.23.2 (1 proxies)`.
 */
const versionSchema = {
  $id: 'istioctl.version',
  title: 'istioctl version (text or -o json): istioctl, control plane and proxy releases',
  type: 'object',
  required: ['format', 'controlPlane', 'proxies'],
  additionalProperties: false,
  properties: {
    format: { enum: ['json', 'text'] },
    client: { type: 'string' },
    controlPlane: {
      type: 'array',
      items: {
        type: 'object',
        required: ['version'],
        additionalProperties: false,
        properties: { component: { type: 'string' }, revision: { type: 'string' }, version: { type: 'string', minLength: 1 } },
      },
    },
    /** Per proxy (JSON), or per release with a count (text). */
    proxies: {
      type: 'array',
      items: {
        type: 'object',
        required: ['version'],
        additionalProperties: false,
        properties: { id: { type: 'string' }, version: { type: 'string', minLength: 1 }, type: { type: 'string' }, count: { type: 'integer', minimum: 1 } },
      },
    },
  },
} as const satisfies JSONSchema;
export type IstioctlVersion = FromSchema<typeof versionSchema>;

const NO_CONTROL_PLANE = /^no running Istio pods in /;
const TEXT_LINE = /^(client|control plane|data plane) version: (.*)$/;

export const istioctlVersionKind = defineDocumentKind<IstioctlVersion>({
  id: 'istioctl.version',
  title: 'istioctl version (istioctl, control plane and proxy releases)',
  schema: versionSchema,
  collect: ['istioctl version -o json'],
  paths: [/(?:^|\/)istio\/version\.json$/],
  sniff: (head) => /"clientVersion"\s*:\s*\{/.test(head) || /^client version: \d/m.test(head),
  parse(text) {
    const body = text
      .split(/\r?\n/)
      .filter((line) => !NO_CONTROL_PLANE.test(line.trim()))
      .join('\n');
    const data = body.trimStart().startsWith('{') ? fromJson(body) : fromText(body);
    return { data, validate: [{ value: data, pointer: '' }] };
  },
});

function fromJson(text: string): IstioctlVersion {
  const root = parseJsonText(text);
  if (root === null || typeof root !== 'object' || Array.isArray(root)) throw new ArtifactParseError('expected the `istioctl version -o json` object');
  const record = root as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  const obj = (v: unknown) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
  const list = (v: unknown) => (Array.isArray(v) ? v : []);
  const client = str(obj(record.clientVersion).version);
  const controlPlane = list(record.meshVersion).flatMap((m) => {
    const info = obj(obj(m).Info);
    const version = str(info.version);
    const component = str(obj(m).Component);
    const revision = str(obj(m).Revision);
    return version ? [{ version, ...(component ? { component } : {}), ...(revision ? { revision } : {}) }] : [];
  });
  const proxies = list(record.dataPlaneVersion).flatMap((p) => {
    const version = str(obj(p).IstioVersion);
    const id = str(obj(p).ID);
    const type = str(obj(p).Type);
    return version ? [{ version, ...(id ? { id } : {}), ...(type ? { type } : {}) }] : [];
  });
  return { format: 'json', ...(client ? { client } : {}), controlPlane, proxies };
}

function fromText(text: string): IstioctlVersion {
  const data: IstioctlVersion = { format: 'text', controlPlane: [], proxies: [] };
  let seen = false;
  for (const line of text.split('\n')) {
    const m = TEXT_LINE.exec(line.trim());
    if (!m) continue;
    seen = true;
    const [, what, value] = m as unknown as [string, string, string];
    if (what === 'client') data.client = value.trim();
    else if (what === 'control plane') for (const v of value.split(',').map((s) => s.trim()).filter(Boolean)) data.controlPlane.push({ version: v });
    else {
      for (const part of value.split(',')) {
        const p = /^\s*(\S+)\s+\((\d+) prox(?:y|ies)\)\s*$/.exec(part);
        if (p) data.proxies.push({ version: p[1]!, count: Number(p[2]) });
      }
    }
  }
  if (!seen) throw new ArtifactParseError('no `client version:` / `control plane version:` / `data plane version:` line');
  return data;
}
