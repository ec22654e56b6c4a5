import { writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import yargs, { type Argv } from 'yargs';
import { DEFAULT_LIMITS, formatBytes, parseSize, type BundleLimits } from './bundle/limits.js';
import { describeIoError } from './bundle/io-errors.js';
import { STDIN } from './bundle/read-bundle.js';
import { BundleError } from './bundle/types.js';
import { wantsColor, type TerminalStyle } from './report/terminal.js';
import { analyzeBundle, validateBundle, type AnalyzeOptions } from './pipeline.js';
import { loadSuppressionsFile, parseSuppressOption, SuppressionError, type Suppression } from './findings/suppressions.js';
import { findCatalogueEntry, toolCatalogue } from './report/catalogue.js';
import { diffFails, diffReports } from './diff/diff.js';
import { loadSide } from './diff/inputs.js';
import { DIFF_FORMATS, renderDiff } from './diff/renderers.js';
import { stripControl } from './report/escape.js';
import { FORMAT_IDS, RENDERERS } from './report/renderers.js';
import { jsonDocument } from './report/json.js';
import { readStoredReport } from './report/stored-report.js';
import { renderInventoryTable, renderRulesTable, renderRuleText } from './report/table.js';
import { RULES } from './rules/registry.js';
import { SEVERITIES } from './rules/rule.js';
import { TOOL_VERSION } from './version.js';

/** Exit codes, documented in README and --help. `internal` is a bug in the analyzer, never a property of the bundle or the machine (those are 2). */
export const EXIT = { ok: 0, findings: 1, usage: 2, internal: 3 } as const;

class UsageError extends Error {}

const EPILOGUE = `Exit codes:
  0  analysis done, nothing at or above --fail-on (default: never)
  1  a finding at or above --fail-on (diff: a new one; validate: an entry is invalid)
  2  usage error, or the bundle cannot be read (one-line reason on stderr)`;

function limitOptions<T>(y: Argv<T>) {
  return y
    .option('max-entry-size', { type: 'string', describe: `largest entry read (default ${formatBytes(DEFAULT_LIMITS.maxEntryBytes)})` })
    .option('max-document-size', { type: 'string', describe: `largest JSON/YAML/table entry parsed (default ${formatBytes(DEFAULT_LIMITS.maxDocumentBytes)})` })
    .option('max-parsed-size', { type: 'string', describe: `total size of the documents parsed (default ${formatBytes(DEFAULT_LIMITS.maxParsedBytes)})` })
    .option('max-total-size', { type: 'string', describe: `total bytes read (default ${formatBytes(DEFAULT_LIMITS.maxTotalBytes)})` })
    .option('max-entries', { type: 'number', describe: `entries looked at (default ${DEFAULT_LIMITS.maxEntries})` });
}

/** Parsing threads never outnumber this, whatever the machine: each holds a heap of its own. */
const MAX_THREADS = 8;

function defaultThreads(): number {
  return Math.min(availableParallelism(), MAX_THREADS);
}

/** `--threads N` as analyze options: none when 0 or when the CLI cannot start a thread (a single executable). */
function threadsFrom(option: number | undefined, host: CliHost): Pick<AnalyzeOptions, 'threads'> {
  if (option !== undefined && !(Number.isInteger(option) && option >= 0 && option <= MAX_THREADS)) throw new UsageError(`--threads ${option}: a whole number from 0 to ${MAX_THREADS}`);
  const threads = option ?? defaultThreads();
  if (threads === 0 || !host.threadScript) return {};
  // For tests: the entry size from which a log or dump goes to a thread (the samples' entries are all small).
  // A test knob: only a plain count of bytes counts ('' would be Number('') = 0, every entry in a thread).
  const knob = process.env.ISTIO_BUNDLE_THREAD_MIN_BYTES;
  const minBytes = knob !== undefined && /^\d+$/.test(knob) ? Number(knob) : undefined;
  return { threads: { threads, script: host.threadScript, ...(minBytes !== undefined ? { minBytes } : {}) } };
}

/** `--suppressions FILE` (each, when repeated) then every `--suppress RULE=glob`, in that order (the first that applies is named). */
async function suppressionsFrom(files: string | readonly string[] | undefined, specs: readonly string[] | undefined): Promise<Suppression[]> {
  const fromFiles: Suppression[] = [];
  for (const file of files === undefined ? [] : [files].flat()) {
    try {
      fromFiles.push(...(await loadSuppressionsFile(String(file))));
    } catch (error) {
      if (error instanceof SuppressionError) throw new UsageError(`--suppressions ${oneLine(error.message)}`);
      throw error;
    }
  }
  try {
    return [...fromFiles, ...(specs ?? []).map((spec) => parseSuppressOption(String(spec)))];
  } catch (error) {
    if (error instanceof SuppressionError) throw new UsageError(oneLine(error.message));
    throw error;
  }
}

function limitsFrom(argv: Record<string, unknown>): Partial<BundleLimits> {
  const limits: Partial<BundleLimits> = {};
  const size = (flag: string) => {
    const value = argv[flag];
    if (value === undefined) return undefined;
    try {
      return parseSize(String(value));
    } catch (error) {
      throw new UsageError(`--${flag}: ${(error as Error).message}`);
    }
  };
  const entry = size('max-entry-size');
  const document = size('max-document-size');
  const total = size('max-total-size');
  const parsed = size('max-parsed-size');
  if (parsed !== undefined) limits.maxParsedBytes = parsed;
  if (entry !== undefined) limits.maxEntryBytes = entry;
  if (document !== undefined) limits.maxDocumentBytes = document;
  if (total !== undefined) limits.maxTotalBytes = total;
  const entries = argv['max-entries'];
  if (entries !== undefined) {
    if (typeof entries !== 'number' || !Number.isInteger(entries) || entries < 1) throw new UsageError('--max-entries must be a whole number of at least 1');
    limits.maxEntries = entries;
  }
  return limits;
}

async function emit(text: string, output: string | undefined): Promise<void> {
  if (!output) {
    process.stdout.write(text);
    return;
  }
  try {
    await writeFile(output, text);
  } catch (error) {
    throw new UsageError(`cannot write ${output}: ${describeIoError(error)}`);
  }
}

/** Stands for `-` while yargs parses (a string no file name can be). */
const STDIN_ARGUMENT = '\u0000stdin';
/** Options whose value follows them as the next argument. */
const VALUE_OPTIONS = new Set(['--format', '--output', '-o', '--fail-on', '--min-severity', '--max-entry-size', '--max-document-size', '--max-parsed-size', '--max-total-size', '--max-entries', '--suppress', '-S', '--suppressions']);

/**
 * yargs reads a lone `-` as an option without a name. As the bundle it means standard input; as
 * the value of `--output` it means standard output. Both are kept from yargs as a placeholder.
 */
function protectDash(argv: string[]): string[] {
  return argv.map((arg, i) => {
    if (arg !== STDIN) return arg;
    const previous = argv[i - 1] ?? '';
    return VALUE_OPTIONS.has(previous) && previous !== '--output' && previous !== '-o' ? arg : STDIN_ARGUMENT;
  });
}

/** The terminal's width for tables; none when piped (each row as wide as it needs). */
function terminalWidth(): number | undefined {
  return process.stdout.isTTY && process.stdout.columns ? process.stdout.columns : undefined;
}

/**
 * Where the output goes decides the defaults: a table on a terminal, Markdown into a file or a
 * pipe; colour and the terminal's width only on a terminal (`--wide`: as wide as each row needs).
 */
function presentation<F extends string>(format: F | undefined, output: string | undefined, wide: boolean): { format: F | 'md' | 'table'; style: TerminalStyle } {
  const width = output || wide ? undefined : terminalWidth();
  return {
    format: format ?? (output || !process.stdout.isTTY ? 'md' : 'table'),
    style: { color: !output && wantsColor(process.env, process.stdout.isTTY === true), ...(width ? { width } : {}) },
  };
}

function bundleArgument(value: string): string {
  if (value !== STDIN_ARGUMENT) return value;
  if (process.stdin.isTTY) throw new UsageError('- reads the bundle from standard input, which is a terminal: pipe an archive into it (cat bundle.tar.gz | istio-bundle analyze -)');
  return STDIN;
}

/** `--output -` is standard output. */
function outputArgument(value: string | undefined): string | undefined {
  return value === STDIN_ARGUMENT || value === STDIN ? undefined : value;
}

/** yargs spreads some messages over lines; the CLI's errors are one line (`--format pdf: choose one of md, json, table`). */
function oneLine(message: string): string {
  const choice = /Argument: ([\w-]+), Given: "([^"]*)", Choices: (.*)/.exec(message.replace(/\s*\n\s*/g, ' '));
  if (choice) return `--${choice[1]} ${choice[2]}: choose one of ${choice[3]!.replace(/"/g, '')}`;
  return message.replace(/\s*\n\s*/g, ' ').trim();
}

/**
 * yargs formats the whole help text each time a command runs, to have it at hand should the handler
 * fail later (yargs' cacheHelpMessage); our `.fail()` throws instead of printing help, so the text is
 * never used, and formatting it cost ~50–100 ms of every run. Where help is asked for, it is left alone.
 * (Angular's CLI does the same, angular/angular-cli#34087.) The hook is yargs-internal: if a later yargs
 * lacks it, nothing is skipped.
 */
function skipEagerHelp(cli: Argv, argv: string[]): void {
  if (argv.some((arg) => arg === '--help' || arg === '-h')) return;
  const usage = (cli as unknown as { getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: () => void } } }).getInternalMethods?.().getUsageInstance?.();
  if (usage && typeof usage.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => undefined;
}

/** What the entry file tells the CLI about how it runs. */
export interface CliHost {
  /** The module a parsing thread runs (the entry file itself); absent: every entry is read on the main thread. */
  threadScript?: URL | undefined;
}

export async function main(argv: string[], host: CliHost = {}): Promise<number> {
  let exitCode: number = EXIT.ok;
  const catalogue = toolCatalogue(RULES);
  const cli = yargs(protectDash(argv))
    // Our texts are English; yargs' own words would follow LANG (from locale files a single-file
    // build does not carry), giving help in two languages.
    .locale('en')
    .scriptName('istio-bundle')
    .usage('$0 <command> [options]\n\nOffline analyzer for Istio diagnostic bundles (collector bundles, istioctl bug-report archives, folders of command outputs).')
    .command(
      'analyze <bundle>',
      'analyse a bundle (.tar.gz, .tgz, .tar or a folder) and write a report',
      (y) =>
        limitOptions(
          y
            .positional('bundle', { type: 'string', demandOption: true, describe: 'bundle file or folder, or - to read the archive from standard input' })
            .option('format', { choices: FORMAT_IDS, describe: 'report format (default: table on a terminal, md otherwise or with --output)' })
            .option('output', { alias: 'o', type: 'string', describe: 'write the report to this file instead of stdout' })
            .option('wide', { type: 'boolean', default: false, describe: 'table: one row per finding, as wide as it needs (as when piped)' })
            .option('fail-on', { choices: [...SEVERITIES, 'never'] as const, default: 'never' as const, describe: 'exit 1 when a finding is at or above this severity' })
            .option('min-severity', { choices: SEVERITIES, default: 'info' as const, describe: 'show findings at or above this severity (does not change --fail-on)' })
            .option('suppress', {
              alias: 'S',
              type: 'string',
              array: true,
              nargs: 1,
              describe: 'suppress findings, as istioctl analyze -S: RULE=RESOURCE, repeatable; RULE is a rule id, its slug or *, RESOURCE a glob (only * is special) on "Kind namespace/name" or "Kind name.namespace", e.g. --suppress "LOG002=Service bookinfo/*"',
            })
            .option('suppressions', {
              type: 'string',
              describe: 'YAML file of suppressions with reasons and expiry dates (suppressions: [{rule, subject, fingerprint, reason, expires}]), repeatable, e.g. --suppressions suppressions.yaml',
            })
            .option('threads', { type: 'number', describe: `worker threads reading large logs and config dumps (default ${defaultThreads()}: the cores; 0 reads everything on one thread; same report either way)` })
            .example('$0 analyze bundle.tgz --suppress "LOG002=Service bookinfo/*" --fail-on high', 'leave LOG002 on bookinfo services out of the report and of --fail-on (listed under Suppressed)'),
        ),
      async (args) => {
        const suppressions = await suppressionsFrom(args.suppressions, args.suppress);
        const { report, outcome } = await analyzeBundle(bundleArgument(args.bundle), {
          limits: limitsFrom(args),
          ...threadsFrom(args.threads, host),
          findings: { minSeverity: args['min-severity'], failOn: args['fail-on'], ...(suppressions.length > 0 ? { suppressions } : {}) },
        });
        const output = outputArgument(args.output);
        const { format, style } = presentation(args.format, output, args.wide);
        const text = RENDERERS[format].render(report, { terminal: style });
        await emit(text, output);
        if (outcome.failed) exitCode = EXIT.findings;
      },
    )
    .command(
      'diff <before> <after>',
      'compare two bundles (or stored JSON reports) of one cluster: new, resolved and persisting findings, metric deltas, MEM003',
      (y) =>
        limitOptions(
          y
            .positional('before', { type: 'string', demandOption: true, describe: 'the earlier bundle (file, folder or -), or a report of `analyze --format json` (a path ending in .json)' })
            .positional('after', { type: 'string', demandOption: true, describe: 'the later bundle, or a report (.json)' })
            .option('format', { choices: DIFF_FORMATS, describe: 'diff format (default: table on a terminal, md otherwise or with --output)' })
            .option('output', { alias: 'o', type: 'string', describe: 'write the diff to this file instead of stdout' })
            .option('fail-on', { choices: [...SEVERITIES, 'never'] as const, default: 'never' as const, describe: 'exit 1 when a NEW finding (MEM003 included) is at or above this severity; persisting ones never fail' })
            .example('$0 diff before.tgz after.tgz --format md -o diff.md --fail-on high', 'ticket-ready Markdown of what changed; exit 1 when the later bundle has a new high or critical finding')
            .example('$0 analyze before.tgz --format json -o before.json && $0 diff before.json after.tgz', 'compare a stored report with a new bundle'),
        ),
      async (args) => {
        const limits = limitsFrom(args);
        const beforeInput = bundleArgument(args.before);
        const afterInput = bundleArgument(args.after);
        if (beforeInput === STDIN && afterInput === STDIN) throw new UsageError('- (standard input) can be only one of the two bundles');
        const diff = diffReports(await loadSide(beforeInput, limits), await loadSide(afterInput, limits));
        const output = outputArgument(args.output);
        const { format, style } = presentation(args.format, output, false);
        await emit(renderDiff(diff, format, style), output);
        if (diffFails(diff, args['fail-on'])) exitCode = EXIT.findings;
      },
    )
    .command(
      'render <report>',
      'render a stored JSON report (analyze --format json) in another format, without the bundle',
      (y) =>
        y
          .positional('report', { type: 'string', demandOption: true, describe: 'a report written by `istio-bundle analyze --format json`' })
          .option('format', { choices: FORMAT_IDS, describe: 'report format (default: table on a terminal, md otherwise or with --output)' })
          .option('output', { alias: 'o', type: 'string', describe: 'write the report to this file instead of stdout' })
          .option('wide', { type: 'boolean', default: false, describe: 'table: one row per finding, as wide as it needs (as when piped)' })
          .example('$0 render report.json --format html -o report.html', 'the page to attach to the ticket, from the JSON kept with it'),
      async (args) => {
        // Byte for byte what `analyze` writes in that format: renderers read the report object only.
        const report = await readStoredReport(args.report);
        const output = outputArgument(args.output);
        const { format, style } = presentation(args.format, output, args.wide);
        await emit(RENDERERS[format].render(report, { terminal: style }), output);
      },
    )
    .command(
      'redact <bundle>',
      'write a copy of a bundle with private keys, tokens, passwords and Secret values removed, as the collector removes them',
      (y) =>
        limitOptions(
          y
            .positional('bundle', { type: 'string', demandOption: true, describe: 'bundle file (.tar.gz, .tgz, .tar, an istioctl bug-report archive) or folder' })
            .option('output', { alias: 'o', type: 'string', demandOption: true, describe: 'the redacted bundle to write (.tar.gz)' })
            .option('keep-binary', { type: 'boolean', default: false, describe: 'copy binary entries unchanged (not scanned) instead of leaving them out' })
            .example('$0 redact bug-report.tar.gz -o bug-report.redacted.tar.gz', 'a copy safe to attach to a ticket; redaction-report.json inside says what was removed'),
        ),
      async (args) => {
        const { redactBundle } = await import('./redact/redact-bundle.js');
        const { summaryText } = await import('./redact/summary.js');
        const summary = await redactBundle(bundleArgument(args.bundle), String(outputArgument(args.output) ?? '-'), { limits: limitsFrom(args), keepBinary: args['keep-binary'] });
        process.stderr.write(summaryText(summary));
      },
    )
    .command(
      'validate <bundle>',
      'recognise and schema-check every entry of a bundle; print the inventory',
      (y) => limitOptions(y.positional('bundle', { type: 'string', demandOption: true }).option('format', { choices: ['table', 'json'] as const, default: 'table' as const })),
      async (args) => {
        const { inventory, warnings, usable } = await validateBundle(bundleArgument(args.bundle), { limits: limitsFrom(args) });
        if (args.format === 'json') process.stdout.write(jsonDocument({ inventory, warnings }));
        else process.stdout.write(renderInventoryTable(inventory, terminalWidth()) + warnings.map((w) => `warning: ${stripControl(w)}\n`).join(''));
        if (!usable) process.stderr.write('istio-bundle: nothing in this bundle is a usable Istio or Kubernetes artifact\n');
        if (!usable || inventory.some((i) => i.status === 'invalid')) exitCode = EXIT.findings;
      },
    )
    .command(
      'rules',
      'list the rule catalogue',
      (y) => y.option('format', { choices: ['table', 'json'] as const, default: 'table' as const }),
      (args) => {
        process.stdout.write(args.format === 'json' ? jsonDocument(catalogue) : renderRulesTable(catalogue, terminalWidth()));
      },
    )
    .command(
      'explain <ruleId>',
      'print a rule in full: what it checks, why, its threshold and the fix',
      (y) => y.positional('ruleId', { type: 'string', demandOption: true }),
      (args) => {
        const rule = findCatalogueEntry(catalogue, args.ruleId);
        if (!rule) throw new UsageError(`unknown rule "${args.ruleId}" (run \`istio-bundle rules\` for the list)`);
        process.stdout.write(renderRuleText(rule));
      },
    )
    .demandCommand(1, 'give a command: analyze, diff, render, redact, validate, rules or explain')
    .strict()
    .epilogue(EPILOGUE)
    .version(TOOL_VERSION)
    .help()
    .exitProcess(false)
    .fail((message, error) => {
      throw error ?? new UsageError(oneLine(message));
    });

  skipEagerHelp(cli, argv);
  try {
    await cli.parseAsync();
  } catch (error) {
    if (error instanceof BundleError || error instanceof UsageError) {
      process.stderr.write(`istio-bundle: ${error.message}\n`);
      return EXIT.usage;
    }
    if ((error as { name?: string }).name === 'YError') {
      process.stderr.write(`istio-bundle: ${oneLine((error as Error).message)}\n`);
      return EXIT.usage;
    }
    throw error;
  }
  return exitCode;
}
