import { plural, subjectText } from '../rules/evidence.js';
import { SEVERITIES, type Finding, type Occurrence } from '../rules/rule.js';
import { mdBlock, mdCode, mdLink, mdProse, mdText } from './escape.js';
import { CERTIFICATE_ROWS_SHOWN, CHAIN_TEXT, emphasised, ROOT_TEXT } from './certificate-table.js';
import { OCCURRENCES_SHOWN, istioVersionsText, secretMaterialText, type NumberedFinding, type Report, type ReportSection } from './report.js';

/**
 * The ticket-ready report: what is broken and what to do first, evidence one click away. Formats
 * the report object only (its sections, numbers and rules), so a stored JSON report renders the same.
 */
export function renderMarkdown(report: Report): string {
  const out: string[] = [];
  out.push(`# Istio bundle analysis — ${mdCode(report.bundle.source)}${collected(report)}`, '');
  out.push(headline(report), '');
  if (report.secretMaterial) out.push(...confidential(report.secretMaterial), '');
  // Nothing could be analysed: why is the news, not the empty sections.
  const leadWithFailures = report.facts.inputsUsed === 0 && report.collectionFailures.length > 0;
  if (leadWithFailures) {
    out.push(`Nothing in this bundle could be analysed: ${report.collectionFailures.length} of the collector's commands failed and none produced a usable output. Fix what the first failures say (below), then collect again.`, '');
    out.push(...collectionFailures(report), '');
  }
  // Numbered as they appear: the summary table and the sections list them in the same order.
  const ordered = [...report.findings].sort((a, b) => a.number - b.number);
  const byFingerprint = new Map(ordered.map((f) => [f.fingerprint, f]));
  if (ordered.length > 0) out.push(...summaryTable(ordered), '');
  else out.push('No finding at or above the reporting threshold.', '');
  if (report.timeline.length > 0) out.push(...timeline(report.timeline, byFingerprint), '');

  for (const section of report.sections) {
    out.push(`## ${section.title}`, '');
    const findings = section.findings.map((fp) => byFingerprint.get(fp)!);
    if (section.checked.length + section.notChecked.length === 0) out.push('No rule of this version checks this step yet (`istio-bundle rules` lists what is checked).', '');
    else if (findings.length === 0) out.push(noFindingLine(report, section), '');
    for (const finding of findings) out.push(...renderFinding(finding, byFingerprint), '');
    if (section.step === 'certificates' && report.certificates) out.push(...certificateTable(report.certificates), '');
  }

  out.push(...notChecked(report), '');
  if (report.suppressed || report.suppressionsExpired || report.suppressionsUnmatched) out.push(...suppressedSection(report), '');
  if (!leadWithFailures && (report.collectionFailures.length > 0 || report.collectionSkipped.length > 0)) out.push(...collectionFailures(report), '');
  out.push(...inventory(report));
  if (report.warnings.length > 0) out.push('', '## Reader warnings', '', ...report.warnings.map((w) => `- ${mdText(w)}`));
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}

/** Before anything else: the bundle itself needs care, whatever it shows about the mesh. */
function confidential(material: NonNullable<Report['secretMaterial']>): string[] {
  const files = new Set(material.map((m) => m.path)).size;
  return [
    `> **Confidential: this bundle holds private keys or secret values** (${plural(files, 'file')}). Handle it as confidential: keep it out of shared ticket attachments, delete it when the case closes, and ask the customer to rotate what is listed: it has left their cluster. The values are not shown here.`,
    '>',
    '> | file | what | line |',
    '> |---|---|---|',
    ...material.map((m) => `> | ${mdCode(m.path)} | ${mdText(secretMaterialText(m))} | ${m.line ?? ''} |`),
  ];
}

function certificateTable(rows: NonNullable<Report['certificates']>): string[] {
  const out = ['### Certificates per proxy', '', `At collection time, the soonest expiry first${rows.length > CERTIFICATE_ROWS_SHOWN ? ` (${CERTIFICATE_ROWS_SHOWN} of ${rows.length}; the JSON report has every row)` : ''}:`, '', '| proxy | SPIFFE id | not after | time left | root | chain |', '|---|---|---|---|---|---|'];
  for (const row of rows.slice(0, CERTIFICATE_ROWS_SHOWN)) {
    const left = row.timeLeft ? (row.expired ? `**${mdText(row.timeLeft)}**` : mdText(row.timeLeft)) : '';
    out.push(`| ${mdCode(row.proxy)} | ${row.spiffeId ? mdCode(row.spiffeId) : ''} | ${row.notAfter ?? ''} | ${left} | ${emphasised(ROOT_TEXT[row.root], '**', '**')} | ${emphasised(CHAIN_TEXT[row.chain], '**', '**')} |`);
  }
  return out;
}

function collected(report: Report): string {
  const when = report.bundle.collectedAt;
  if (!when) return '';
  return report.bundle.collectedAtSource === 'manifest' ? ` (collected ${when})` : ` (newest timestamp in the bundle: ${when})`;
}

function headline(report: Report): string {
  const counts = SEVERITIES.filter((s) => report.summary[s] > 0).map((s) => `${report.summary[s]} ${s}`);
  const parts = [counts.length > 0 ? `**${counts.join(' · ')}**` : '**no findings**'];
  if (report.hidden) parts.push(`${report.hidden.count} below ${report.hidden.belowSeverity} not shown`);
  if (report.suppressed && report.suppressed.length > 0) parts.push(`${report.suppressed.length} suppressed`);
  if (report.suppressionsExpired) parts.push(`${plural(report.suppressionsExpired.length, 'suppression')} expired`);
  if (report.bundle.cluster) parts.push(`cluster ${mdCode(report.bundle.cluster)}`);
  if (report.facts.proxies > 0) parts.push(plural(report.facts.proxies, 'proxy', 'proxies'));
  const versions = istioVersionsText(report.facts.istio);
  if (versions) parts.push(mdText(versions));
  if (report.facts.kubernetesVersion) parts.push(mdText(`Kubernetes ${report.facts.kubernetesVersion}`));
  const inv = report.inventorySummary;
  const files = [`${plural(inv.used, 'file')} used`];
  if (inv['not-analysed']) files.push(`${inv['not-analysed']} not analysed`);
  if (inv.invalid) files.push(`${inv.invalid} invalid`);
  if (inv['not-recognised']) files.push(`${inv['not-recognised']} not recognised`);
  if (inv.skipped) files.push(`${inv.skipped} skipped`);
  parts.push(files.join(', '));
  parts.push(`layout: ${report.bundle.layout}`);
  return parts.join(' · ');
}

function summaryTable(findings: Finding[]): string[] {
  const rows = ['| # | severity | rule | what | where |', '|---|---|---|---|---|'];
  findings.forEach((f, i) => {
    rows.push(`| ${i + 1} | ${f.severity} | ${f.ruleId} | ${mdText(f.title)} | ${mdText(subjectText(f.subject))} |`);
  });
  return rows;
}

function noFindingLine(report: Report, { checked, notChecked: skipped }: ReportSection): string {
  if (checked.length === 0) return `Not checked: ${skipped.join(', ')} lacked their inputs (see *Not checked*).`;
  const hidden = report.hidden ? ` Findings below ${report.hidden.belowSeverity} are not shown (--min-severity).` : '';
  return `No finding shown (${checked.join(', ')} checked${skipped.length > 0 ? `; ${skipped.join(', ')} not checked` : ''}).${hidden}`;
}

function renderFinding(f: NumberedFinding, byFingerprint: ReadonlyMap<string, NumberedFinding>): string[] {
  const out = [`### ${f.number}. ${f.ruleId} · ${f.severity} · ${mdText(f.title)}`, ''];
  out.push(`**Where.** ${mdText(subjectText(f.subject))}`, '');
  const causes = (f.causedBy ?? [])
    .map((fp) => byFingerprint.get(fp))
    .filter((c): c is NumberedFinding => c !== undefined)
    .sort((a, b) => a.number - b.number);
  if (causes.length > 0) {
    const list = causes.map((c) => `#${c.number} ${c.ruleId} (${mdText(c.title)})`).join('; ');
    out.push(`**Explained by.** ${list}: fix ${causes.length === 1 ? 'that' : 'those'} first.`, '');
  }
  const symptoms = (f.explains ?? [])
    .map((fp) => byFingerprint.get(fp))
    .filter((c): c is NumberedFinding => c !== undefined)
    .sort((a, b) => a.number - b.number);
  if (symptoms.length > 0) out.push(`**Explains.** ${symptoms.map((c) => `#${c.number} ${c.ruleId}`).join(', ')}: fixing this should clear ${symptoms.length === 1 ? 'it' : 'them'} too.`, '');
  out.push(`**What we see.** ${mdProse(f.explanation)}`, '');
  if (f.occurrences && f.occurrences.length > 1) out.push(...occurrencesTable(f.occurrences), '');
  out.push(...fixEvidenceAndDocs(f));
  return out;
}

/** A finding's fix (prose, YAML, commands), its evidence collapsed, its docs: the end of every finding, in a report or a diff. */
export function fixEvidenceAndDocs(f: Pick<Finding, 'remediation' | 'yaml' | 'commands' | 'evidence' | 'docs'>): string[] {
  const out = [`**Fix.** ${mdProse(f.remediation)}`];
  if (f.yaml) out.push('', mdBlock(f.yaml, 'yaml'));
  if (f.commands.length > 0) out.push('', mdBlock(f.commands.join('\n'), 'sh'));
  if (f.evidence.length > 0) {
    out.push('', `<details><summary>Evidence (${f.evidence.length})</summary>`, '');
    for (const e of f.evidence) {
      const place = [e.line !== undefined ? `line ${e.line}` : '', e.pointer ? `at ${mdCode(e.pointer)}` : ''].filter(Boolean).join(', ');
      out.push(`- ${mdCode(e.path)}${place ? `, ${place}` : ''}`);
      if (e.excerpt) out.push('', indent(mdBlock(e.excerpt)), '');
    }
    out.push('</details>');
  }
  if (f.docs.length > 0) out.push('', `Docs: ${f.docs.map(mdLink).join(' · ')}`);
  return out;
}

/** Timeline rows shown: the first and the last half of this many; the JSON report carries every event. */
const TIMELINE_SHOWN = 40;

function timeline(events: Report['timeline'], byFingerprint: ReadonlyMap<string, NumberedFinding>): string[] {
  const out = ['## Timeline', '', 'Dated events in the bundle, in UTC as the bundle writes them:', '', '| time | what | where | finding |', '|---|---|---|---|'];
  const row = (e: Report['timeline'][number]) => {
    const { kind, namespace, name } = e.subject;
    const where = `${kind === 'Pod' ? '' : `${kind} `}${namespace ? `${namespace}/` : ''}${name}`;
    const numbers = (e.findings ?? [])
      .map((fp) => byFingerprint.get(fp))
      .filter((f): f is NumberedFinding => f !== undefined)
      .sort((a, b) => a.number - b.number)
      .map((f) => `#${f.number} ${f.ruleId}`);
    return `| ${mdText(e.time)} | ${mdText(e.what)} | ${mdText(where)} | ${numbers.join(', ') || '—'} |`;
  };
  if (events.length <= TIMELINE_SHOWN) return [...out, ...events.map(row)];
  const half = TIMELINE_SHOWN / 2;
  return [...out, ...events.slice(0, half).map(row), `| … | ${events.length - TIMELINE_SHOWN} more events (every one is in the JSON report's \`timeline\`) | | |`, ...events.slice(-half).map(row)];
}

function occurrencesTable(occurrences: readonly Occurrence[]): string[] {
  const rows = ['| seen at | count | of requests | first | last |', '|---|---|---|---|---|'];
  for (const o of occurrences.slice(0, OCCURRENCES_SHOWN)) {
    const { kind, namespace, name } = o.subject;
    const at = `${kind === 'Pod' ? '' : `${kind} `}${namespace ? `${namespace}/` : ''}${name}`;
    rows.push(`| ${mdText(at)} | ${o.count} | ${o.requests ?? '—'} | ${mdText(o.firstTime ?? '—')} | ${mdText(o.lastTime ?? '—')} |`);
  }
  const more = occurrences.length - OCCURRENCES_SHOWN;
  if (more > 0) rows.push('', `…and ${more} more (every one is in the JSON report's \`occurrences\`).`);
  return rows;
}

function indent(block: string): string {
  return block
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}

function notChecked(report: Report): string[] {
  const out = ['## Not checked', ''];
  if (report.notChecked.length === 0) return [...out, 'Every rule had the inputs it needs.'];
  out.push('| rule | why | ask the customer to run |', '|---|---|---|');
  for (const n of report.notChecked) {
    const commands = n.collect.length > 0 ? n.collect.map((c) => mdCode(c, true)).join('<br>') : '—';
    out.push(`| ${n.ruleId} ${mdText(n.title)} | ${mdText(n.reason)} | ${commands} |`);
  }
  return out;
}

/** What was suppressed and by what; suppressions that expired (not applied) or matched nothing (stale). */
function suppressedSection(report: Report): string[] {
  const out = ['## Suppressed', ''];
  const suppressed = report.suppressed ?? [];
  if (suppressed.length > 0) {
    out.push('Findings already discussed, left out of the counts above and of `--fail-on`:', '', '| rule | finding | fingerprint | where | why | suppressed by | expires |', '|---|---|---|---|---|---|---|');
    for (const s of suppressed) {
      const expires = s.expires ? `${mdText(s.expires)}${s.expiryNotChecked ? ' (not checked: the bundle has no collection time)' : ''}` : '—';
      out.push(`| ${s.ruleId} | ${mdText(s.title)} | ${mdCode(s.fingerprint)} | ${mdText(subjectText(s.subject))} | ${mdText(s.reason)} | ${mdCode(s.source, true)} | ${expires} |`);
    }
  } else out.push('No finding was suppressed.');
  const what = (s: { rule: string; subject?: string; fingerprint?: string }) => [s.rule === '*' ? 'any rule' : s.rule, s.subject ? mdCode(s.subject, true) : '', s.fingerprint ? `fingerprint ${mdCode(s.fingerprint)}` : ''].filter(Boolean).join(' ');
  if (report.suppressionsExpired) {
    out.push('', `Expired before the bundle was collected${report.bundle.collectedAt ? ` (${report.bundle.collectedAt})` : ''}, so **not applied** (their findings are reported above):`, '', '| suppression | expired | would suppress | why | from |', '|---|---|---|---|---|');
    for (const s of report.suppressionsExpired) out.push(`| ${what(s)} | ${mdText(s.expires)} | ${s.wouldSuppress.length > 0 ? plural(s.wouldSuppress.length, 'finding') : 'nothing'} | ${mdText(s.reason)} | ${mdCode(s.source, true)} |`);
  }
  if (report.suppressionsUnmatched) {
    out.push('', 'Matched no finding of this bundle (stale, or meant for another bundle):', '', '| suppression | why | from |', '|---|---|---|');
    for (const s of report.suppressionsUnmatched) out.push(`| ${what(s)} | ${mdText(s.reason)} | ${mdCode(s.source, true)} |`);
  }
  return out;
}

function collectionFailures(report: Report): string[] {
  const out = ['## Collection failures', ''];
  if (report.collectionFailures.length > 0) {
    out.push('Commands the collector ran that did not succeed (from `manifest.json`):', '', '| file | command | exit | stderr |', '|---|---|---|---|');
    for (const f of report.collectionFailures) {
      const stderr = f.stderrFirstLine ? mdText(f.stderrFirstLine) : f.stderr ? mdCode(f.stderr, true) : '—';
      out.push(`| ${mdCode(f.path, true)} | ${mdCode(f.command, true)} | ${f.ending} | ${stderr} |`);
    }
  }
  if (report.collectionSkipped.length > 0) {
    out.push('', 'Steps the collector skipped:', '', '| file | why |', '|---|---|');
    for (const s of report.collectionSkipped) out.push(`| ${mdCode(s.path, true)} | ${mdText(s.reason)} |`);
  }
  return out;
}

function inventory(report: Report): string[] {
  const inv = report.inventorySummary;
  const out = ['## Inventory', '', `${report.inventory.length} entries: ${inv.used} used · ${inv['not-analysed']} not analysed · ${inv.invalid} invalid · ${inv['not-recognised']} not recognised · ${inv.skipped} skipped`, ''];
  const problems = report.inventory.filter((i) => i.status !== 'used');
  if (problems.length > 0) {
    out.push('| file | status | reason |', '|---|---|---|');
    for (const item of problems) out.push(`| ${mdCode(item.path, true)} | ${item.status}${item.kind ? ` (${item.kind})` : ''} | ${mdText(item.reason ?? '')} |`);
    out.push('');
  }
  const noted = report.inventory.filter((i) => i.status === 'used' && i.note);
  if (noted.length > 0) {
    out.push('Read with caveats:', '');
    for (const item of noted) out.push(`- ${mdCode(item.path, true)}: ${mdText(item.note!)}`);
    out.push('');
  }
  const used = report.inventory.filter((i) => i.status === 'used');
  if (used.length > 0) {
    out.push(`<details><summary>Files used (${used.length})</summary>`, '', '| file | kind | recognised by |', '|---|---|---|');
    for (const item of used) out.push(`| ${mdCode(item.path, true)} | ${item.kind ?? ''} | ${item.recognisedBy ?? ''} |`);
    out.push('', '</details>');
  }
  return out;
}
