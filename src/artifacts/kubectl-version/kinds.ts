import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
import { ArtifactParseError, defineDocumentKind } from '../artifact-kind.js';
import { parseJsonText } from '../json-text.js';

/**
 * `kubectl version`: the client's and the API server's Kubernetes release. `-o json` has
 * `clientVersion`, `serverVersion` (absent when the API server did not answer) and
 * `kustomizeVersion`; `minor` may carry a `+` (`"16+"` on EKS and GKE), so the release is read
 * from `gitVersion` (`v1.16.15-eks-ad4801`). The text form (what `istioctl bug-report` writes to
 * `cluster/kubectl-version`) is `Client Version: v1.33.5` since kubectl 1.28, Go's `%#v` of
 * `version.Info{Major:"1", Minor:"25", GitVersion:"v1.25.0", …}` before; `WARNING:`/`Warning:`
 * lines (deprecation, version skew) may come before or after. `oc version` adds
 * `Kubernetes Version:`, the server's Kubernetes release (its `Server Version` is OpenShift's).
 */
const releaseSchema = {
  type: 'object',
  required: ['gitVersion'],
  additionalProperties: false,
  properties: { gitVersion: { type: 'string', minLength: 1 }, major: { type: 'string' }, minor: { type: 'string' }, platform: { type: 'string' } },
} as const satisfies JSONSchema;

const kubectlVersionSchema = {
  $id: 'kubectl.version',
  title: 'kubectl version (-o json or text): client and API server Kubernetes releases',
  type: 'object',
  required: ['format'],
  additionalProperties: false,
  properties: { format: { enum: ['json', 'text'] }, client: releaseSchema, server: releaseSchema, kustomize: { type: 'string' } },
} as const satisfies JSONSchema;
export type KubectlVersion = FromSchema<typeof kubectlVersionSchema>;
type Release = NonNullable<KubectlVersion['client']>;

const WARNING = /^warning:/i;
const TEXT_LINE = /^(Client|Server|Kustomize|Kubernetes) Version:\s*(.*)$/;
/** A field of Go's `%#v` of version.Info: `GitVersion:"v1.25.0"`. */
const GO_FIELD = (name: string) => new RegExp(`\\b${name}:"([^"]*)"`);

export const kubectlVersionKind = defineDocumentKind<KubectlVersion>({
  id: 'kubectl.version',
  title: 'kubectl version (client and API server Kubernetes releases)',
  schema: kubectlVersionSchema,
  collect: ['kubectl version -o json'],
  paths: [/(?:^|\/)kubernetes\/version\.json$/, /(?:^|\/)cluster\/kubectl-version$/],
  // istioctl's `version -o json` also has `clientVersion`, but no `gitVersion`.
  sniff: (head) => (/"clientVersion"\s*:\s*\{/.test(head) && /"gitVersion"\s*:/.test(head)) || /^(?:Client|Server) Version: (?:v\d|version\.Info\{)/m.test(head),
  parse(text) {
    const body = text
      .split(/\r?\n/)
      .filter((line) => !WARNING.test(line.trim()))
      .join('\n');
    const data = body.trimStart().startsWith('{') ? fromJson(body) : fromText(body);
    if (!data.client && !data.server) throw new ArtifactParseError('neither a client nor a server version in it');
    return { data, validate: [{ value: data, pointer: '' }] };
  },
});

function fromJson(text: string): KubectlVersion {
  const root = parseJsonText(text);
  if (root === null || typeof root !== 'object' || Array.isArray(root)) throw new ArtifactParseError('expected the `kubectl version -o json` object');
  const record = root as Record<string, unknown>;
  const client = release(record.clientVersion);
  const server = release(record.serverVersion);
  const kustomize = typeof record.kustomizeVersion === 'string' ? record.kustomizeVersion : undefined;
  // An empty kustomizeVersion (a kubectl built without it) is left out like a missing one.
  return { format: 'json', ...(client ? { client } : {}), ...(server ? { server } : {}), ...(kustomize ? { kustomize } : {}) };
}

function release(value: unknown): Release | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const info = value as Record<string, unknown>;
  const str = (key: string) => (typeof info[key] === 'string' && info[key] !== '' ? (info[key] as string) : undefined);
  const gitVersion = str('gitVersion');
  if (!gitVersion) return undefined;
  const [major, minor, platform] = [str('major'), str('minor'), str('platform')];
  return { gitVersion, ...(major ? { major } : {}), ...(minor ? { minor } : {}), ...(platform ? { platform } : {}) };
}

function fromText(text: string): KubectlVersion {
  const data: KubectlVersion = { format: 'text' };
  let kubernetes: Release | undefined;
  for (const line of text.split('\n')) {
    const m = TEXT_LINE.exec(line.trim());
    if (!m) continue;
    const [, what, value] = m as unknown as [string, string, string];
    if (what === 'Kustomize') data.kustomize = value.trim();
    else if (what === 'Kubernetes') kubernetes = textRelease(value);
    else {
      const parsed = textRelease(value);
      if (parsed) data[what === 'Client' ? 'client' : 'server'] = parsed;
    }
  }
  if (kubernetes) data.server = kubernetes;
  return data;
}

/** `v1.33.5`, or `version.Info{Major:"1", Minor:"25", GitVersion:"v1.25.0", …, Platform:"linux/amd64"}`. */
function textRelease(value: string): Release | undefined {
  const trimmed = value.trim();
  if (!trimmed.startsWith('version.Info{')) return trimmed === '' ? undefined : { gitVersion: trimmed };
  const field = (name: string) => GO_FIELD(name).exec(trimmed)?.[1] || undefined;
  const gitVersion = field('GitVersion');
  if (!gitVersion) return undefined;
  const [major, minor, platform] = [field('Major'), field('Minor'), field('Platform')];
  return { gitVersion, ...(major ? { major } : {}), ...(minor ? { minor } : {}), ...(platform ? { platform } : {}) };
}
