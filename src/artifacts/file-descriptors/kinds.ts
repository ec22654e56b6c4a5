import type { FromSchema } from 'json-schema-to-ts';
import { ArtifactParseError, defineDocumentKind } from '../artifact-kind.js';

const limitValue = {
  type: 'object',
  required: ['value', 'line'],
  additionalProperties: false,
  properties: { value: { oneOf: [{ type: 'integer', minimum: 0 }, { const: 'unlimited' }] }, line: { type: 'integer', minimum: 1 } },
} as const;

/**
 * collect.sh's fd-count file: `ls -1 /proc/[0-9]*\/fd | grep -c '^[0-9]'` (open descriptors of every
 * process of the istio-proxy container: pilot-agent, Envoy, the shell itself), then `ulimit -n` (the
 * soft limit a new process gets) and, since the hard limit was added, `ulimit -H -n`.
 */
const fileDescriptorsSchema = {
  $id: 'proxy.fileDescriptors',
  title: "Open file descriptors of the istio-proxy container's processes and the descriptor limit",
  type: 'object',
  required: ['open', 'soft'],
  additionalProperties: false,
  properties: {
    open: { type: 'object', required: ['value', 'line'], additionalProperties: false, properties: { value: { type: 'integer', minimum: 0 }, line: { type: 'integer', minimum: 1 } } },
    soft: limitValue,
    hard: limitValue,
  },
} as const;
export type FileDescriptors = FromSchema<typeof fileDescriptorsSchema>;
export type DescriptorLimit = FileDescriptors['soft'];

const COUNT = /^\d+$/;

export const fileDescriptorsKind = defineDocumentKind<FileDescriptors>({
  id: 'proxy.fileDescriptors',
  title: "open file descriptors of a proxy's processes and their limit",
  schema: fileDescriptorsSchema,
  collect: ['kubectl exec <pod> -n <namespace> -c istio-proxy -- sh -c \'ls -1 /proc/[0-9]*/fd 2>/dev/null | grep -c "^[0-9]"; ulimit -n; ulimit -H -n\''],
  paths: [/(?:^|\/)proxies\/(?<namespace>[^/]+)\/(?<pod>[^/]+)\/fd-count\.txt$/],
  // Two or three bare numbers: too plain to tell by content.
  sniff: () => false,
  parse(text) {
    const lines = text
      .split(/\r?\n/)
      .map((t, i) => ({ text: t.trim(), line: i + 1 }))
      .filter((l) => l.text !== '');
    if (lines.length < 2 || lines.length > 3) {
      throw new ArtifactParseError(`expected the count of open file descriptors and the \`ulimit -n\` limit (then the hard limit), one per line, as collect.sh writes them; found ${lines.length} non-empty line${lines.length === 1 ? '' : 's'}`);
    }
    const [open, soft, hard] = lines as [(typeof lines)[number], (typeof lines)[number], (typeof lines)[number] | undefined];
    if (!COUNT.test(open.text)) throw new ArtifactParseError(`line ${open.line}: "${open.text.slice(0, 80)}" is not a count of open file descriptors`, open.line);
    const data: FileDescriptors = { open: { value: Number(open.text), line: open.line }, soft: limit(soft) };
    if (hard) data.hard = limit(hard);
    return { data, validate: [{ value: data, pointer: '' }] };
  },
});

function limit(line: { text: string; line: number }): DescriptorLimit {
  if (line.text === 'unlimited') return { value: 'unlimited', line: line.line };
  if (!COUNT.test(line.text)) throw new ArtifactParseError(`line ${line.line}: "${line.text.slice(0, 80)}" is not a file-descriptor limit (a number or \`unlimited\`)`, line.line);
  return { value: Number(line.text), line: line.line };
}
