import { ArtifactParseError, defineDocumentKind } from '../artifact-kind.js';
import { parseQuantity } from '../quantity.js';
import { firstNonEmptyLine, splitColumns } from '../text.js';
import { topSchema, type TopData, type TopRow } from './schema.js';

const HEADER = /^(?:NAMESPACE\s+)?(?:POD\s+)?NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)/;
/** kubectl's own messages that mean "no rows", not "broken file". */
const NO_DATA = /^(?:No resources found|error: Metrics API not available|error: metrics not available yet)/;

/**
 * `kubectl top pod` (pkg/metricsutil/metrics_printer.go): CPU always in millicores (`187m`), memory
 * in MiB (`275Mi`); `--containers` adds a POD column, `-A` a NAMESPACE column.
 */
export function parseTop(text: string, namespace?: string): TopData {
  // A namespace without pods: kubectl prints nothing on stdout (the "No resources found" goes to stderr).
  if (text.trim() === '') return { perContainer: false, rows: [] };
  const lines = text.split(/\r?\n/);
  const headerIndex = lines.findIndex((l) => HEADER.test(l.trim()));
  if (headerIndex < 0) {
    if (NO_DATA.test(firstNonEmptyLine(text).trim())) return { perContainer: false, rows: [] };
    throw new ArtifactParseError('no `kubectl top pod` header (NAME  CPU(cores)  MEMORY(bytes)) found');
  }
  const header = splitColumns(lines[headerIndex]!);
  const perContainer = header.includes('POD');
  const rows: TopRow[] = [];
  for (let i = headerIndex + 1; i < lines.length; i++) {
    const raw = lines[i]!;
    if (raw.trim() === '') continue;
    const cells = splitColumns(raw);
    if (cells.length !== header.length) {
      throw new ArtifactParseError(
        `line ${i + 1} has ${cells.length} columns where \`kubectl top pod${perContainer ? ' --containers' : ''}\` prints ${header.length} (${header.join(', ')})`,
        i + 1,
      );
    }
    const cell = (name: string) => cells[header.indexOf(name)];
    const cpu = parseQuantity(cell('CPU(cores)')!);
    const memory = parseQuantity(cell('MEMORY(bytes)')!);
    if (cpu === undefined || memory === undefined) {
      throw new ArtifactParseError(`line ${i + 1}: "${cell('CPU(cores)')}" / "${cell('MEMORY(bytes)')}" are not CPU and memory quantities`, i + 1);
    }
    const row: TopRow = {
      line: i + 1,
      pod: perContainer ? cell('POD')! : cell('NAME')!,
      cpuMillicores: Math.round(cpu * 1000),
      memoryBytes: memory,
      text: raw.trimEnd(),
    };
    if (perContainer) row.container = cell('NAME')!;
    const rowNamespace = header.includes('NAMESPACE') ? cell('NAMESPACE') : namespace;
    if (rowNamespace) row.namespace = rowNamespace;
    rows.push(row);
  }
  return { perContainer, rows };
}

export const topKind = defineDocumentKind<TopData>({
  id: 'kubectl.top',
  title: 'kubectl top pod --containers',
  schema: topSchema,
  collect: ['kubectl top pod -n istio-system --containers'],
  paths: [/(?:^|\/)kubernetes\/top(?:\/(?<namespace>[^/]+))?\.txt$/, /(?:^|\/)top(?:-pods?)?(?:-(?<namespace>[a-z0-9-]+))?\.txt$/],
  sniff: (head) => HEADER.test(firstNonEmptyLine(head).trim()),
  parse(text, context) {
    const data = parseTop(text, context.namespace);
    return { data, validate: [{ value: data, pointer: '' }] };
  },
});
