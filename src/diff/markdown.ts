import { plural, subjectText } from '../rules/evidence.js';
import { SEVERITIES } from '../rules/rule.js';
import { mdCode, mdProse, mdText } from '../report/escape.js';
import { fixEvidenceAndDocs } from '../report/markdown.js';
import type { BundleDiff, DiffFinding, MemoryRow } from './diff-schema.js';
import { MEM003 } from './rules.js';
import { durationText, mibText, percentText, signedMib, signedPercent, trim } from './units.js';

type Side = BundleDiff['before'];
type Persisting = BundleDiff['findings']['persisting'][number];

const LEAK_TEXT = { fired: 'fired', quiet: 'quiet', 'configuration-changed': 'configuration changed: not a leak', 'not-checked': 'not checked' } as const;

/** The ticket-ready diff: what is new first, then what was fixed, what stays, and the measurements that moved. */
export function renderDiffMarkdown(diff: BundleDiff): string {
  const out: string[] = [];
  out.push(`# Istio bundle diff — ${mdCode(diff.before.source)} → ${mdCode(diff.after.source)}`, '');
  out.push(headline(diff), '');
  out.push(...sides(diff), '');
  const notRechecked = new Set(diff.coverage.checkedAfterOnly);
  out.push('## New findings', '');
  if (diff.findings.new.length === 0) out.push('No new finding.', '');
  else {
    out.push(...findingTable(diff.findings.new), '');
    for (const f of diff.findings.new) out.push(...newFinding(f, notRechecked.has(f.ruleId)), '');
  }
  out.push('## Resolved', '');
  if (diff.findings.resolved.length === 0) out.push('No finding of the earlier bundle is gone.', '');
  else out.push('In the earlier bundle, not in the later one (its rule ran on both):', '', ...findingTable(diff.findings.resolved), '');
  if (diff.findings.notRechecked.length > 0) {
    out.push('### Not re-checked', '', 'In the earlier bundle only, but the later bundle could not run their rule (its inputs are missing): not known to be fixed.', '', ...findingTable(diff.findings.notRechecked), '');
  }
  out.push('## Persisting', '');
  if (diff.findings.persisting.length === 0) out.push('No finding is in both bundles.', '');
  else out.push(...persistingTable(diff.findings.persisting), '');
  out.push(...leakSection(diff), '');
  out.push(...metricsSection(diff), '');
  if (diff.notChecked.length > 0) {
    out.push('## Not checked', '', '| rule | why | to collect |', '|---|---|---|');
    for (const n of diff.notChecked) out.push(`| ${n.ruleId} | ${mdProse(n.reason).replace(/\|/g, '\\|')} | ${n.collect.map((c) => mdCode(c, true)).join('<br>')} |`);
    out.push('');
  }
  if (diff.warnings.length > 0) out.push('## Warnings', '', ...diff.warnings.map((w) => `- ${mdText(w)}`));
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}

function headline(diff: BundleDiff): string {
  const s = diff.summary;
  const bySeverity = SEVERITIES.filter((sev) => s.newBySeverity[sev] > 0).map((sev) => `${s.newBySeverity[sev]} ${sev}`);
  const parts = [
    `**${s.new} new${bySeverity.length > 0 ? ` (${bySeverity.join(', ')})` : ''} · ${s.resolved} resolved · ${s.persisting} persisting${s.severityChanged > 0 ? ` (${plural(s.severityChanged, 'severity change')})` : ''}**`,
  ];
  if (s.notRechecked > 0) parts.push(`${s.notRechecked} not re-checked`);
  const elapsed = diff.metrics.collection.elapsedSeconds;
  if (elapsed !== null) parts.push(`${durationText(elapsed)} between the collections`);
  const same = diff.metrics.configuration.same;
  parts.push(same === null ? 'configuration not compared' : same ? 'configuration unchanged' : '**configuration changed**');
  parts.push(`MEM003 ${LEAK_TEXT[diff.leak.status]}`);
  return parts.join(' · ');
}

function sides(diff: BundleDiff): string[] {
  const row = (label: string, side: Side) =>
    `| ${label} | ${mdCode(side.input, true)} | ${side.from} | ${side.collectedAt ?? 'unknown'}${side.collectedAtSource === 'newest-timestamp' ? ' (newest timestamp)' : ''} | ${side.cluster ? mdCode(side.cluster, true) : ''} | ${side.findings}${side.hiddenBelow ? ` (below ${side.hiddenBelow} hidden)` : ''} | ${mdText(side.toolVersion)} |`;
  return ['| | input | read as | collected | cluster | findings | analyzer |', '|---|---|---|---|---|---|---|', row('before', diff.before), row('after', diff.after)];
}

function findingTable(findings: readonly DiffFinding[]): string[] {
  return ['| severity | rule | what | where |', '|---|---|---|---|', ...findings.map((f) => `| ${f.severity} | ${mdText(f.ruleId)} | ${mdText(f.title)} | ${mdText(subjectText(f.subject))} |`)];
}

function persistingTable(rows: readonly Persisting[]): string[] {
  // Severity changes first: they are what moved.
  const ordered = [...rows.filter((p) => p.severity !== p.severityBefore), ...rows.filter((p) => p.severity === p.severityBefore)];
  return ['| severity | rule | what | where |', '|---|---|---|---|', ...ordered.map((p) => `| ${p.severity === p.severityBefore ? p.severity : `**${p.severityBefore} → ${p.severity}**`} | ${mdText(p.ruleId)} | ${mdText(p.title)} | ${mdText(subjectText(p.subject))} |`)];
}

function newFinding(f: DiffFinding, ruleNew: boolean): string[] {
  const out = [`### ${mdText(f.ruleId)} · ${f.severity} · ${mdText(f.title)}`, ''];
  out.push(`**Where.** ${mdText(subjectText(f.subject))}`, '');
  if (ruleNew) out.push(`**Note.** The earlier bundle could not run ${mdText(f.ruleId)} (its inputs were missing): this may not be new.`, '');
  out.push(`**What we see.** ${mdProse(f.explanation)}`, '');
  out.push(...fixEvidenceAndDocs(f));
  return out;
}

function leakSection(diff: BundleDiff): string[] {
  const out = [`## ${MEM003.id} · memory growth without configuration change`, ''];
  out.push(`**${LEAK_TEXT[diff.leak.status]}**: ${mdProse(diff.leak.reason)}.`, '');
  for (const note of diff.leak.notes ?? []) out.push(`- ${mdText(note)}`);
  if (diff.leak.status === 'fired') out.push('', `Its findings are under *New findings* above (\`istio-bundle explain ${MEM003.id}\` for the rule).`);
  return out;
}

function memoryCell(bytes: number | undefined): string {
  return bytes === undefined ? '—' : mibText(bytes);
}

function podsCell(row: MemoryRow): string {
  const b = row.podBefore;
  const a = row.podAfter;
  if (b && a && b !== a) return `${mdCode(b, true)} → ${mdCode(a, true)} (restarted)`;
  if (b && a) return mdCode(a, true);
  return b ? `${mdCode(b, true)} (earlier only)` : `${mdCode(a!, true)} (later only)`;
}

function memoryTable(rows: readonly MemoryRow[], proxies: boolean): string[] {
  const head = proxies ? '| workload | pod | before | after | change | limit | clusters | routes |' : '| deployment | pod | before | after | change | limit |';
  const out = [head, proxies ? '|---|---|---|---|---|---|---|---|' : '|---|---|---|---|---|---|'];
  for (const row of rows) {
    const change = row.changeBytes === undefined ? '' : `${signedMib(row.changeBytes)}${row.changeShare !== undefined ? ` (${signedPercent(row.changeShare)})` : ''}`;
    const limit = row.limitBytes === undefined ? '' : `${mibText(row.limitBytes)}${row.afterBytes !== undefined ? ` (${percentText(row.afterBytes / row.limitBytes)})` : ''}`;
    const counts = (x: number | undefined, y: number | undefined) => (x === undefined && y === undefined ? '' : x === y ? String(x) : `${x ?? '—'} → ${y ?? '—'}`);
    const cells = [mdCode(row.key, true), podsCell(row), memoryCell(row.beforeBytes), memoryCell(row.afterBytes), change, limit];
    if (proxies) cells.push(counts(row.clustersBefore, row.clustersAfter), counts(row.routesBefore, row.routesAfter));
    out.push(`| ${cells.join(' | ')} |`);
  }
  return out;
}

function flagsText(byFlag: Record<string, number> | undefined): string {
  const entries = Object.entries(byFlag ?? {});
  return entries.length === 0 ? '' : entries.map(([flag, n]) => `${mdText(flag)} ${n}`).join(', ');
}

function metricsSection(diff: BundleDiff): string[] {
  const m = diff.metrics;
  const out = ['## What the measurements say', ''];
  const elapsed = m.collection.elapsedSeconds;
  out.push(`**Collections.** ${m.collection.before ?? 'unknown'} → ${m.collection.after ?? 'unknown'}${elapsed !== null ? ` (${durationText(elapsed)})` : ''}.`, '');
  const { before: cb, after: ca, same } = m.configuration;
  const digest = (c: typeof cb) => (c ? `${mdCode(c.digest)} (${c.resources} resources by ${c.by})` : 'none');
  out.push(`**Configuration.** ${same === null ? 'not compared' : same ? 'the same' : '**changed**'}: ${digest(cb)} → ${digest(ca)}.`, '');
  if (m.istiod.length > 0) out.push('### istiod memory', '', ...memoryTable(m.istiod, false), '');
  if (m.proxies.length > 0) out.push('### Proxy memory', '', ...memoryTable(m.proxies, true), '');
  const s = m.sync;
  if (s.staleBefore !== null || s.staleAfter !== null) {
    out.push('### STALE proxies', '', `${s.staleBefore ?? 'unknown'} → ${s.staleAfter ?? 'unknown'}.`);
    if (s.newStale.length > 0) out.push(`New: ${s.newStale.map((id) => mdCode(id)).join(', ')}.`);
    if (s.cleared.length > 0) out.push(`Cleared: ${s.cleared.map((id) => mdCode(id)).join(', ')}.`);
    out.push('');
  }
  const { before: tb, after: ta } = m.traffic;
  if (tb || ta) {
    const t = (x: typeof tb) => (x ? `${x.requests} requests, ${x.failed} failed over ${plural(x.spanMinutes, 'minute')} (${trim(x.requestsPerMinute, 1)}/min)` : 'no access-log lines');
    out.push(`**Traffic.** ${t(tb)} → ${t(ta)}.`, '');
  }
  if (m.upstreams.length > 0) {
    out.push('### Failures per upstream cluster', '', '| upstream | before | after | flags before | flags after |', '|---|---|---|---|---|');
    const rate = (u: BundleDiff['metrics']['upstreams'][number]['before']) => (u ? `${u.failed}/${u.requests} (${percentText(u.failureRate)})` : '—');
    for (const u of m.upstreams) out.push(`| ${mdCode(u.upstream, true)} | ${rate(u.before)} | ${rate(u.after)} | ${flagsText(u.before?.byFlag)} | ${flagsText(u.after?.byFlag)} |`);
    out.push('', '— : not among that bundle\'s upstreams (none, or past the ones a report keeps).', '');
  }
  if (m.certificates.length > 0) {
    const text = { rotated: 'rotated', same: 'same', earlier: '**earlier**', 'before-only': 'earlier bundle only', 'after-only': 'later bundle only', unknown: 'unknown' } as const;
    out.push('### Certificates (soonest expiry per proxy)', '', '| workload | proxy | not after, before | not after, after | change |', '|---|---|---|---|---|');
    for (const c of m.certificates) {
      const proxy = c.proxyBefore && c.proxyAfter && c.proxyBefore !== c.proxyAfter ? `${mdCode(c.proxyBefore, true)} → ${mdCode(c.proxyAfter, true)}` : mdCode((c.proxyAfter ?? c.proxyBefore)!, true);
      out.push(`| ${mdCode(c.key, true)} | ${proxy} | ${c.notAfterBefore ? mdText(c.notAfterBefore) : '—'} | ${c.notAfterAfter ? mdText(c.notAfterAfter) : '—'}${c.expiredAfter ? ' **expired**' : ''} | ${text[c.change]} |`);
    }
    out.push('');
  }
  return out;
}
