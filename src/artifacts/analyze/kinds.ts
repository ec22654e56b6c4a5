import { parse as parseYaml } from 'yaml';
import { jsonErrorLine } from '../json-text.js';
import { isRecord } from '../k8s/documents.js';
import { ArtifactParseError, defineDocumentKind } from '../artifact-kind.js';
import { stripAnsi } from '../text.js';
import { analyzeSchema, type AnalyzeData, type AnalyzeMessage } from './schema.js';

/** `<Level> [<Code>][ [cluster-<id>]][ (<Kind> <ns>/<name>[ <reference>])] <message>` (istioctl's `analyze` text writer). */
const TEXT_LINE = /^(Error|Warning|Info) \[(IST\d{4})\](?: \[cluster-([^\]]+)\])?(?: \(([A-Za-z]+) ([^ )]+)(?: ([^)]*))?\))? (.*)$/;
/** What istioctl prints besides messages (mostly on stderr, but collected together in practice). */
const SIDE_CHANNEL = /^(?:✔ No validation issues found|Error: Analyzers found issues|See https:\/\/istio\.io|Skipping file|Warning: )/;

function parseOrigin(origin: string): AnalyzeMessage['origin'] {
  const [kind, ref] = origin.trim().split(/\s+/, 2);
  if (!kind || !ref) return undefined;
  const slash = ref.indexOf('/');
  return slash > 0 ? { kind, namespace: ref.slice(0, slash), name: ref.slice(slash + 1) } : { kind, name: ref };
}

export function parseAnalyzeText(text: string): AnalyzeData {
  const messages: AnalyzeMessage[] = [];
  stripAnsi(text)
    .split(/\r?\n/)
    .forEach((raw, index) => {
      const line = raw.trimEnd();
      if (line === '' || SIDE_CHANNEL.test(line)) return;
      const m = TEXT_LINE.exec(line);
      if (!m) {
        if (/^(?:Error|Warning|Info)\b/.test(line) && /\[IST/.test(line)) {
          throw new ArtifactParseError(`line ${index + 1} looks like an analyzer message but does not parse: ${line.slice(0, 120)}`, index + 1);
        }
        return; // wrapped continuation of a long message, or unrelated output: not a message
      }
      const message: AnalyzeMessage = { line: index + 1, level: m[1] as AnalyzeMessage['level'], code: m[2]!, message: m[7]!, text: line };
      if (m[3]) message.cluster = m[3];
      if (m[4] && m[5]) {
        const origin = parseOrigin(`${m[4]} ${m[5]}`);
        if (origin) message.origin = origin;
      }
      if (m[6]) message.reference = m[6];
      messages.push(message);
    });
  return { format: 'text', messages };
}

/** `-o json` (a JSON array, TAB-indented) and `-o yaml` (a YAML list) share keys. */
export function parseAnalyzeStructured(text: string, format: 'json' | 'yaml'): AnalyzeData {
  let value: unknown;
  try {
    value = format === 'json' ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 100, logLevel: 'error' });
  } catch (error) {
    throw new ArtifactParseError(`malformed ${format.toUpperCase()}: ${(error as Error).message.split('\n')[0]}`, jsonErrorLine(text, error as Error));
  }
  if (value === null || value === undefined) value = [];
  if (!Array.isArray(value)) throw new ArtifactParseError(`expected a ${format.toUpperCase()} list of analyzer messages`);
  const messages = value.map((item: unknown, index): AnalyzeMessage => {
    const record = isRecord(item) ? item : {};
    const message = {
      pointer: `/${index}`,
      code: record.code,
      level: record.level,
      message: record.message,
      text: JSON.stringify(item),
    } as AnalyzeMessage;
    if (typeof record.origin === 'string') {
      const origin = parseOrigin(record.origin);
      if (origin) message.origin = origin;
    }
    if (typeof record.reference === 'string') message.reference = record.reference;
    if (typeof record.cluster === 'string') message.cluster = record.cluster;
    if (typeof record.documentationUrl === 'string') message.documentationUrl = record.documentationUrl;
    return message;
  });
  return { format, messages };
}

function detectFormat(text: string): 'text' | 'json' | 'yaml' {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('[')) return 'json';
  if (/^- (?:code|documentationUrl|level|message|origin):/m.test(trimmed)) return 'yaml';
  return 'text';
}

export const analyzeKind = defineDocumentKind<AnalyzeData>({
  id: 'istioctl.analyze',
  title: 'istioctl analyze',
  schema: analyzeSchema,
  collect: ['istioctl analyze -A -o json'],
  // istioctl/cmd/sysexits.go: 79 = analyzers found issues at or above --failure-threshold.
  successExitCodes: [79],
  paths: [/(?:^|\/)analyze(?:\.(?:txt|json|ya?ml|out))?$/, /(?:^|\/)analyze\/allNamespaces\/allNamespaces$/, /(?:^|\/)analyze-[^/]+\.(?:txt|json|ya?ml)$/],
  sniff(head) {
    const text = stripAnsi(head);
    return (
      /^(?:Error|Warning|Info) \[IST\d{4}\]/m.test(text) ||
      /^✔ No validation issues found/m.test(text) ||
      (/^\s*\[\s*\{/.test(text) && /"code"\s*:\s*"IST\d{4}"/.test(text)) ||
      /^- code: IST\d{4}$/m.test(text)
    );
  },
  parse(text) {
    const format = detectFormat(text);
    const data = format === 'text' ? parseAnalyzeText(text) : parseAnalyzeStructured(text, format);
    return { data, validate: [{ value: data, pointer: '' }] };
  },
});
