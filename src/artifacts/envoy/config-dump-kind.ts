import { formatBytes, LIMIT_FLAGS } from '../../bundle/limits.js';
import type { ArtifactSink, SinkContext, StreamKind } from '../artifact-kind.js';
import { ArtifactParseError } from '../parse-error.js';
import { JsonSplitter } from './json-splitter.js';
import { ConfigDumpSummariser } from './summariser.js';
import { configDumpSchema, type ConfigDumpSummary } from './summary-schema.js';

/** Config dumps nest ~30 levels (listener → filter chain → HCM → route → typed config); far more is hostile. */
const MAX_DEPTH = 256;

/**
 * Envoy config dumps in every shape customers send: the admin `config_dump` (`pilot-agent request
 * GET config_dump`, `istioctl proxy-config all -o json`, istioctl bug-report `config_dump?include_eds`),
 * the single-type `istioctl proxy-config cluster|listener|route|endpoint|eds|secret|bootstrap -o json`
 * outputs, and the admin `clusters?format=json`. Summarised element by element as the entry streams,
 * so a dump of any size costs the memory of its largest cluster or listener, not of the dump.
 */
export const configDumpKind: StreamKind = {
  id: 'envoy.configDump',
  title: 'Envoy config dump (config_dump, istioctl proxy-config … -o json)',
  schema: configDumpSchema,
  collect: ['istioctl proxy-config all <pod> -n <namespace> -o json'],
  offThread: true,
  share(data, { entries, strings }) {
    const summary = data as ConfigDumpSummary;
    for (const list of [summary.clusters, summary.listeners, summary.routeTables, summary.endpoints] as object[][]) entries.shareAll(list);
    // The rest is the proxy's own (its node, certificates, NACKs): only its strings are pooled. The summariser pools
    // as it reads, but a summary read in a parsing thread arrives as fresh JSON; a shared entry is frozen, and kept once.
    if (summary.node) summary.node = strings.internAll(summary.node);
    strings.internAll(summary.secrets);
    strings.internAll(summary.rejected);
    return summary;
  },
  paths: [
    /(?:^|\/)proxies\/(?<namespace>[^/]+)\/(?<pod>[^/]+)\/config_dump\.json$/,
    /(?:^|\/)proxies\/(?<namespace>[^/]+)\/(?<pod>[^/]+)\/config_dump\?include_eds$/,
  ],
  sniff: (head) =>
    /"@type"\s*:\s*"type\.googleapis\.com\/envoy\.admin\.v3\.[A-Za-z]+ConfigDump"/.test(head) ||
    /^\s*\[\s*\{\s*"(?:name|clusterName)"\s*:\s*"(?:outbound|inbound|inbound-vip|BlackHoleCluster|PassthroughCluster|InboundPassthroughCluster|virtualOutbound|virtualInbound|[0-9]+)[|"]/.test(head) ||
    /^\s*\{\s*"(?:dynamicActiveSecrets|dynamicWarmingSecrets|cluster_statuses)"\s*:/.test(head),
  open(context: SinkContext): ArtifactSink {
    const summariser = new ConfigDumpSummariser(context.strings);
    const maxElement = context.limits.maxDocumentBytes;
    const splitter = new JsonSplitter(
      {
        select: summariser.select,
        take: (path, text, line) => {
          if (text.length > maxElement) throw new ArtifactParseError(`an element over the ${formatBytes(maxElement)} document cap at element ${path.join('/')} (raise with ${LIMIT_FLAGS.maxDocumentBytes})`, line);
          summariser.take(path, text, line);
        },
        maxSelectDepth: 4,
        maxDepth: MAX_DEPTH,
      },
      context.encoding,
    );
    // The splitter meets malformed JSON mid-stream; a sink reports why an entry is unreadable from end()
    // (the entry boundary takes anything thrown by write() for an analyzer bug), so keep it until then.
    let unreadable: ArtifactParseError | undefined;
    return {
      write(chunk) {
        if (unreadable) return;
        try {
          splitter.write(chunk);
        } catch (error) {
          if (!(error instanceof ArtifactParseError)) throw error;
          unreadable = error;
        }
      },
      end() {
        if (unreadable) throw unreadable;
        splitter.end();
        const data = summariser.finish(splitter.root);
        return { kind: configDumpKind, data, validate: [{ value: data, pointer: '' }] };
      },
    };
  },
};
