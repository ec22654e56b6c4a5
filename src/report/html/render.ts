import { plural, subjectText } from '../../rules/evidence.js';
import { SEVERITIES, severityRank, type Occurrence } from '../../rules/rule.js';
import { OCCURRENCES_SHOWN, istioVersionsText, secretMaterialText, type NumberedFinding, type Report, type ReportSection } from '../report.js';
import { CERTIFICATE_ROWS_SHOWN, CHAIN_TEXT, emphasised, ROOT_TEXT } from '../certificate-table.js';
import { memoryChart } from './charts/memory-chart.js';
import { syncChart } from './charts/sync-chart.js';
import { timelineChart } from './charts/timeline-chart.js';
import { trafficChart } from './charts/traffic-chart.js';
import { docsLink, h, prose } from './escape.js';
import { STYLE } from './style.js';

/**
 * No script, no fetch: the page is read offline (air-gapped sites), so it may load nothing, and as
 * it holds text from strangers' bundles it may run nothing either. Inline styles are all it needs.
 */
export const CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

/** Findings the summary lists as what to look at first. */
const TOP_FINDINGS = 5;

/**
 * One self-contained HTML file to attach to a ticket: the summary and root causes first, charts of
 * the incident, then the debugging steps with their findings (evidence collapsed), what could not
 * be checked, and the inventory. Formats the report object only, so a stored report renders the same.
 */
export function renderHtml(report: Report): string {
  const ordered = [...report.findings].sort((a, b) => a.number - b.number);
  const byFingerprint = new Map(ordered.map((f) => [f.fingerprint, f]));
  const body = [
    header(report),
    ...(report.secretMaterial ? [confidential(report.secretMaterial)] : []),
    summary(report, ordered),
    charts(report),
    ...(report.timeline.length > 0 ? [timeline(report, byFingerprint)] : []),
    ...report.sections.map((s) => section(report, s, byFingerprint)),
    notChecked(report),
    ...(report.suppressed || report.suppressionsExpired || report.suppressionsUnmatched ? [suppressed(report)] : []),
    ...(report.collectionFailures.length + report.collectionSkipped.length > 0 ? [collectionFailures(report)] : []),
    inventory(report),
    ...(report.warnings.length > 0 ? [`<section id="warnings"><h2>Reader warnings</h2><ul>${report.warnings.map((w) => `<li>${h(w)}</li>`).join('')}</ul></section>`] : []),
    `<footer class="meta"><p>${h(report.tool.name)} ${h(report.tool.version)} · report schema ${report.schemaVersion}</p></footer>`,
  ];
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">`,
    '<meta name="referrer" content="no-referrer">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>Istio bundle analysis — ${h(report.bundle.source)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    ...body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function header(report: Report): string {
  const when = report.bundle.collectedAt
    ? report.bundle.collectedAtSource === 'manifest'
      ? `collected ${h(report.bundle.collectedAt)}`
      : `newest timestamp in the bundle: ${h(report.bundle.collectedAt)}`
    : 'collection time unknown';
  const facts = [`bundle <code>${h(report.bundle.source)}</code>`, when, `layout: ${h(report.bundle.layout)}`];
  if (report.bundle.cluster) facts.push(`cluster <code>${h(report.bundle.cluster)}</code>`);
  if (report.facts.proxies > 0) facts.push(h(plural(report.facts.proxies, 'proxy', 'proxies')));
  const versions = istioVersionsText(report.facts.istio);
  if (versions) facts.push(h(versions));
  if (report.facts.kubernetesVersion) facts.push(h(`Kubernetes ${report.facts.kubernetesVersion}`));
  return `<header><h1>Istio bundle analysis</h1><p class="meta">${facts.join(' · ')}</p></header>`;
}

function confidential(material: NonNullable<Report['secretMaterial']>): string {
  const files = new Set(material.map((m) => m.path)).size;
  const rows = material.map((m) => `<tr><td><code>${h(m.path)}</code></td><td>${h(secretMaterialText(m))}</td><td>${m.line ?? ''}</td></tr>`).join('');
  return (
    `<section id="confidential" class="confidential"><h2>Confidential: this bundle holds private keys or secret values</h2>` +
    `<p>${h(plural(files, 'file'))}. Handle the bundle as confidential: keep it out of shared ticket attachments, delete it when the case closes, and ask the customer to rotate what is listed: it has left their cluster. The values are not shown here.</p>` +
    `<table><thead><tr><th>file</th><th>what</th><th>line</th></tr></thead><tbody>${rows}</tbody></table></section>`
  );
}

function findingRef(f: NumberedFinding): string {
  return `<a href="#finding-${f.number}">#${f.number} ${h(f.ruleId)}</a>`;
}

function badge(severity: string): string {
  return `<span class="badge sev-${h(severity)}">${h(severity)}</span>`;
}

function summary(report: Report, ordered: NumberedFinding[]): string {
  const counts = SEVERITIES.filter((s) => report.summary[s] > 0).map((s) => `<span class="count sev-${s}">${report.summary[s]} ${s}</span>`);
  if (report.suppressed && report.suppressed.length > 0) counts.push(`<span class="count sev-suppressed">${report.suppressed.length} suppressed</span>`);
  const out = ['<section id="summary"><h2>Summary</h2>', `<div class="counts">${counts.join('') || '<span>No finding at or above the reporting threshold.</span>'}</div>`];
  if (report.hidden) out.push(`<p>${report.hidden.count} ${report.hidden.count === 1 ? 'finding' : 'findings'} below ${h(report.hidden.belowSeverity)} not shown (--min-severity).</p>`);
  const inv = report.inventorySummary;
  out.push(`<p class="meta">${inv.used} files used · ${inv['not-analysed']} not analysed · ${inv.invalid} invalid · ${inv['not-recognised']} not recognised · ${inv.skipped} skipped · ${report.notChecked.length} rules not checked</p>`);
  // A root cause explains other findings and is explained by none: fix those first.
  const roots = ordered.filter((f) => (f.explains?.length ?? 0) > 0 && (f.causedBy?.length ?? 0) === 0);
  if (roots.length > 0) {
    out.push('<h3>Root causes</h3><ul class="root-causes">');
    for (const f of roots) out.push(`<li>${findingRef(f)} ${badge(f.severity)} ${prose(f.title)} — explains ${f.explains!.length === 1 ? 'one other finding' : `${f.explains!.length} other findings`}</li>`);
    out.push('</ul>');
  }
  const top = [...ordered].sort((a, b) => severityRank(a.severity) - severityRank(b.severity) || a.number - b.number).slice(0, TOP_FINDINGS);
  if (top.length > 0) {
    out.push('<h3>Top findings</h3><ul>');
    for (const f of top) out.push(`<li>${findingRef(f)} ${badge(f.severity)} ${prose(f.title)} <span class="meta">(${h(subjectText(f.subject))})</span></li>`);
    out.push('</ul>');
  }
  if (ordered.length > 0) {
    out.push(`<details><summary>All findings (${ordered.length})</summary><table><thead><tr><th>#</th><th>severity</th><th>rule</th><th>what</th><th>where</th></tr></thead><tbody>`);
    for (const f of ordered) out.push(`<tr><td><a href="#finding-${f.number}">${f.number}</a></td><td>${h(f.severity)}</td><td>${h(f.ruleId)}</td><td>${prose(f.title)}</td><td>${h(subjectText(f.subject))}</td></tr>`);
    out.push('</tbody></table></details>');
  }
  out.push('</section>');
  return out.join('\n');
}

function charts(report: Report): string {
  const metrics = report.metrics ?? {};
  const drawn = [
    ['Incident timeline', timelineChart(report)],
    ['Failures per upstream', trafficChart(metrics.traffic)],
    ['Proxy sync status', syncChart(metrics.sync)],
    ['Memory', memoryChart(metrics.memory)],
  ].filter((c): c is [string, string] => c[1] !== undefined);
  if (drawn.length === 0) return '<section id="charts"><h2>At a glance</h2><p>The bundle has no access logs, sync status or memory figures to chart.</p></section>';
  return `<section id="charts"><h2>At a glance</h2>${drawn.map(([title, svg]) => `<figure><figcaption class="label">${h(title)}</figcaption>${svg}</figure>`).join('\n')}</section>`;
}

function timeline(report: Report, byFingerprint: ReadonlyMap<string, NumberedFinding>): string {
  const rows = report.timeline.map((e) => {
    const refs = (e.findings ?? [])
      .map((fp) => byFingerprint.get(fp))
      .filter((f): f is NumberedFinding => f !== undefined)
      .sort((a, b) => a.number - b.number)
      .map(findingRef);
    return `<tr><td>${h(e.time)}</td><td>${h(e.what)}</td><td>${h(subjectText(e.subject))}</td><td>${refs.join(', ') || '—'}</td></tr>`;
  });
  return `<section id="timeline"><h2>Timeline</h2><details><summary>Dated events in the bundle, UTC (${report.timeline.length})</summary><table><thead><tr><th>time</th><th>what</th><th>where</th><th>finding</th></tr></thead><tbody>${rows.join('')}</tbody></table></details></section>`;
}

function section(report: Report, s: ReportSection, byFingerprint: ReadonlyMap<string, NumberedFinding>): string {
  const findings = s.findings.map((fp) => byFingerprint.get(fp)!);
  const out = [`<section id="step-${h(s.step)}" class="step"><h2>${prose(s.title)}</h2>`];
  if (s.checked.length + s.notChecked.length === 0) out.push('<p>No rule of this version checks this step yet.</p>');
  else if (findings.length === 0) {
    out.push(s.checked.length === 0 ? `<p>Not checked: ${h(s.notChecked.join(', '))} lacked their inputs (see <a href="#not-checked">Not checked</a>).</p>` : `<p>No finding shown (${h(s.checked.join(', '))} checked${s.notChecked.length > 0 ? `; ${h(s.notChecked.join(', '))} not checked` : ''}).</p>`);
  }
  for (const f of findings) out.push(finding(f, byFingerprint));
  if (s.step === 'certificates' && report.certificates) out.push(certificateTable(report.certificates));
  out.push('</section>');
  return out.join('\n');
}

function finding(f: NumberedFinding, byFingerprint: ReadonlyMap<string, NumberedFinding>): string {
  const refs = (fps: string[] | undefined) =>
    (fps ?? [])
      .map((fp) => byFingerprint.get(fp))
      .filter((c): c is NumberedFinding => c !== undefined)
      .sort((a, b) => a.number - b.number);
  const out = [`<article class="finding ${h(f.severity)}" id="finding-${f.number}" data-fingerprint="${h(f.fingerprint)}">`, `<h3>${f.number}. ${h(f.ruleId)} ${badge(f.severity)} ${prose(f.title)}</h3>`];
  out.push(`<p><span class="label">Where.</span> ${h(subjectText(f.subject))}</p>`);
  const causes = refs(f.causedBy);
  if (causes.length > 0) out.push(`<p><span class="label">Explained by.</span> ${causes.map((c) => `${findingRef(c)} (${prose(c.title)})`).join('; ')}: fix ${causes.length === 1 ? 'that' : 'those'} first.</p>`);
  const symptoms = refs(f.explains);
  if (symptoms.length > 0) out.push(`<p><span class="label">Explains.</span> ${symptoms.map(findingRef).join(', ')}: fixing this should clear ${symptoms.length === 1 ? 'it' : 'them'} too.</p>`);
  out.push(`<p><span class="label">What we see.</span> ${prose(f.explanation)}</p>`);
  if (f.occurrences && f.occurrences.length > 1) out.push(occurrences(f.occurrences));
  out.push(`<p><span class="label">Fix.</span> ${prose(f.remediation)}</p>`);
  if (f.yaml) out.push(`<pre class="yaml">${h(f.yaml)}</pre>`);
  if (f.commands.length > 0) out.push(`<pre class="commands">${h(f.commands.join('\n'))}</pre>`);
  if (f.evidence.length > 0) {
    out.push(`<details class="evidence"><summary>Evidence (${f.evidence.length})</summary><ul>`);
    for (const e of f.evidence) {
      const place = [e.line !== undefined ? `line ${e.line}` : '', e.pointer ? `at <code>${h(e.pointer)}</code>` : ''].filter(Boolean).join(', ');
      out.push(`<li><code>${h(e.path)}</code>${place ? `, ${place}` : ''}${e.excerpt ? `<pre>${h(e.excerpt)}</pre>` : ''}</li>`);
    }
    out.push('</ul></details>');
  }
  if (f.docs.length > 0) out.push(`<p class="docs">Docs: ${f.docs.map(docsLink).join(' · ')}</p>`);
  out.push('</article>');
  return out.join('\n');
}

function occurrences(list: readonly Occurrence[]): string {
  const rows = list.slice(0, OCCURRENCES_SHOWN).map((o) => `<tr><td>${h(subjectText(o.subject))}</td><td>${o.count}</td><td>${o.requests ?? '—'}</td><td>${h(o.firstTime ?? '—')}</td><td>${h(o.lastTime ?? '—')}</td></tr>`);
  const more = list.length - OCCURRENCES_SHOWN;
  return `<table class="occurrences"><thead><tr><th>seen at</th><th>count</th><th>of requests</th><th>first</th><th>last</th></tr></thead><tbody>${rows.join('')}</tbody></table>${more > 0 ? `<p>…and ${more} more (every one is in the JSON report's <code>occurrences</code>).</p>` : ''}`;
}

function certificateTable(rows: NonNullable<Report['certificates']>): string {
  const shown = rows.slice(0, CERTIFICATE_ROWS_SHOWN).map((r) => {
    const left = r.timeLeft ? (r.expired ? `<strong>${h(r.timeLeft)}</strong>` : h(r.timeLeft)) : '';
    return `<tr><td><code>${h(r.proxy)}</code></td><td>${r.spiffeId ? `<code>${h(r.spiffeId)}</code>` : ''}</td><td>${h(r.notAfter ?? '')}</td><td>${left}</td><td>${emphasised(ROOT_TEXT[r.root], '<strong>', '</strong>')}</td><td>${emphasised(CHAIN_TEXT[r.chain], '<strong>', '</strong>')}</td></tr>`;
  });
  const note = rows.length > CERTIFICATE_ROWS_SHOWN ? ` (${CERTIFICATE_ROWS_SHOWN} of ${rows.length}; the JSON report has every row)` : '';
  return `<h3>Certificates per proxy</h3><p>At collection time, the soonest expiry first${note}:</p><table><thead><tr><th>proxy</th><th>SPIFFE id</th><th>not after</th><th>time left</th><th>root</th><th>chain</th></tr></thead><tbody>${shown.join('')}</tbody></table>`;
}

function notChecked(report: Report): string {
  if (report.notChecked.length === 0) return '<section id="not-checked"><h2>Not checked</h2><p>Every rule had the inputs it needs.</p></section>';
  const rows = report.notChecked.map((n) => `<tr><td>${h(n.ruleId)} ${h(n.title)}</td><td>${h(n.reason)}</td><td>${n.collect.length > 0 ? n.collect.map((c) => `<code>${h(c)}</code>`).join('<br>') : '—'}</td></tr>`);
  return `<section id="not-checked"><h2>Not checked</h2><table><thead><tr><th>rule</th><th>why</th><th>ask the customer to run</th></tr></thead><tbody>${rows.join('')}</tbody></table></section>`;
}

/** Findings left out by a suppression, with why and by what; expired suppressions (not applied) and stale ones. */
function suppressed(report: Report): string {
  const out = ['<section id="suppressed"><h2>Suppressed</h2>'];
  const list = report.suppressed ?? [];
  if (list.length > 0) {
    const rows = list.map((s) => {
      const expires = s.expires ? `${h(s.expires)}${s.expiryNotChecked ? ' (not checked: the bundle has no collection time)' : ''}` : '—';
      return `<tr><td>${h(s.ruleId)}</td><td>${prose(s.title)}</td><td><code>${h(s.fingerprint)}</code></td><td>${h(subjectText(s.subject))}</td><td>${h(s.reason)}</td><td><code>${h(s.source)}</code></td><td>${expires}</td></tr>`;
    });
    out.push(`<p>Findings already discussed, left out of the counts above and of <code>--fail-on</code>:</p><table><thead><tr><th>rule</th><th>finding</th><th>fingerprint</th><th>where</th><th>why</th><th>suppressed by</th><th>expires</th></tr></thead><tbody>${rows.join('')}</tbody></table>`);
  } else out.push('<p>No finding was suppressed.</p>');
  const what = (s: { rule: string; subject?: string; fingerprint?: string }) => [s.rule === '*' ? 'any rule' : h(s.rule), s.subject ? `<code>${h(s.subject)}</code>` : '', s.fingerprint ? `fingerprint <code>${h(s.fingerprint)}</code>` : ''].filter(Boolean).join(' ');
  if (report.suppressionsExpired) {
    const rows = report.suppressionsExpired.map((s) => `<tr><td>${what(s)}</td><td>${h(s.expires)}</td><td>${s.wouldSuppress.length > 0 ? h(plural(s.wouldSuppress.length, 'finding')) : 'nothing'}</td><td>${h(s.reason)}</td><td><code>${h(s.source)}</code></td></tr>`);
    out.push(`<p>Expired before the bundle was collected${report.bundle.collectedAt ? ` (${h(report.bundle.collectedAt)})` : ''}, so <strong>not applied</strong> (their findings are reported above):</p><table><thead><tr><th>suppression</th><th>expired</th><th>would suppress</th><th>why</th><th>from</th></tr></thead><tbody>${rows.join('')}</tbody></table>`);
  }
  if (report.suppressionsUnmatched) {
    const rows = report.suppressionsUnmatched.map((s) => `<tr><td>${what(s)}</td><td>${h(s.reason)}</td><td><code>${h(s.source)}</code></td></tr>`);
    out.push(`<p>Matched no finding of this bundle (stale, or meant for another bundle):</p><table><thead><tr><th>suppression</th><th>why</th><th>from</th></tr></thead><tbody>${rows.join('')}</tbody></table>`);
  }
  out.push('</section>');
  return out.join('\n');
}

function collectionFailures(report: Report): string {
  const out = ['<section id="collection-failures"><h2>Collection failures</h2>'];
  if (report.collectionFailures.length > 0) {
    const rows = report.collectionFailures.map((f) => `<tr><td><code>${h(f.path)}</code></td><td><code>${h(f.command)}</code></td><td>${h(f.ending)}</td><td>${f.stderrFirstLine ? h(f.stderrFirstLine) : f.stderr ? `<code>${h(f.stderr)}</code>` : '—'}</td></tr>`);
    out.push(`<p>Commands the collector ran that did not succeed (from <code>manifest.json</code>):</p><table><thead><tr><th>file</th><th>command</th><th>exit</th><th>stderr</th></tr></thead><tbody>${rows.join('')}</tbody></table>`);
  }
  if (report.collectionSkipped.length > 0) {
    const rows = report.collectionSkipped.map((s) => `<tr><td><code>${h(s.path)}</code></td><td>${h(s.reason)}</td></tr>`);
    out.push(`<p>Steps the collector skipped:</p><table><thead><tr><th>file</th><th>why</th></tr></thead><tbody>${rows.join('')}</tbody></table>`);
  }
  out.push('</section>');
  return out.join('\n');
}

function inventory(report: Report): string {
  const inv = report.inventorySummary;
  const out = [`<section id="inventory"><h2>Inventory</h2><p>${report.inventory.length} entries: ${inv.used} used · ${inv['not-analysed']} not analysed · ${inv.invalid} invalid · ${inv['not-recognised']} not recognised · ${inv.skipped} skipped</p>`];
  const problems = report.inventory.filter((i) => i.status !== 'used');
  if (problems.length > 0) {
    const rows = problems.map((i) => `<tr><td><code>${h(i.path)}</code></td><td>${h(i.status)}${i.kind ? ` (${h(i.kind)})` : ''}</td><td>${h(i.reason ?? '')}</td></tr>`);
    out.push(`<table><thead><tr><th>file</th><th>status</th><th>reason</th></tr></thead><tbody>${rows.join('')}</tbody></table>`);
  }
  const noted = report.inventory.filter((i) => i.status === 'used' && i.note);
  if (noted.length > 0) out.push(`<p>Read with caveats:</p><ul>${noted.map((i) => `<li><code>${h(i.path)}</code>: ${h(i.note!)}</li>`).join('')}</ul>`);
  const used = report.inventory.filter((i) => i.status === 'used');
  if (used.length > 0) {
    const rows = used.map((i) => `<tr><td><code>${h(i.path)}</code></td><td>${h(i.kind ?? '')}</td><td>${h(i.recognisedBy ?? '')}</td></tr>`);
    out.push(`<details><summary>Files used (${used.length})</summary><table><thead><tr><th>file</th><th>kind</th><th>recognised by</th></tr></thead><tbody>${rows.join('')}</tbody></table></details>`);
  }
  out.push('</section>');
  return out.join('\n');
}
