/**
 * The page's only styling, inline (the CSP allows inline styles and nothing fetched). Printable: no
 * fixed width, and collapsed evidence is printed (`::details-content`, Chromium ≥ 131; older browsers print it collapsed).
 */
export const STYLE = `
:root{--critical:#a61e1e;--high:#d9480f;--medium:#b7791f;--low:#1971c2;--info:#5c677d;--ok:#c9d3e0;--failed:#d6336c;--ink:#1d2330;--muted:#5c677d;--line:#dde3ea}
*{box-sizing:border-box}
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);margin:0 auto;max-width:980px;padding:24px}
h1{font-size:1.5em;margin:0 0 4px}h2{border-bottom:2px solid var(--line);padding-bottom:4px;margin-top:2em}h3{font-size:1.05em;margin:0}
code,pre{font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
code{background:#f1f3f5;padding:1px 4px;border-radius:3px;overflow-wrap:anywhere}
pre{background:#f6f8fa;border:1px solid var(--line);padding:8px 10px;overflow-x:auto;white-space:pre-wrap;overflow-wrap:anywhere}
table{border-collapse:collapse;width:100%;margin:8px 0;font-size:14px}th,td{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top;overflow-wrap:anywhere}th{background:#f6f8fa}
.meta{color:var(--muted);margin:0 0 16px}
.counts{display:flex;gap:8px;flex-wrap:wrap;margin:12px 0}
.count{border-radius:6px;padding:6px 12px;color:#fff;font-weight:600}
.sev-critical{background:var(--critical)}.sev-high{background:var(--high)}.sev-medium{background:var(--medium)}.sev-low{background:var(--low)}.sev-info{background:var(--info)}.sev-suppressed{background:#868e96}
.badge{display:inline-block;border-radius:4px;padding:0 6px;color:#fff;font-size:12px;font-weight:600;text-transform:uppercase;vertical-align:middle}
.finding{border:1px solid var(--line);border-left:6px solid var(--info);border-radius:4px;padding:10px 14px;margin:12px 0;break-inside:avoid}
.finding.critical{border-left-color:var(--critical)}.finding.high{border-left-color:var(--high)}.finding.medium{border-left-color:var(--medium)}.finding.low{border-left-color:var(--low)}
.finding p{margin:6px 0}.label{font-weight:600}
.confidential{border:2px solid var(--critical);background:#fff5f5;padding:10px 14px;border-radius:4px}
.root-causes li{margin:4px 0}
details>summary{cursor:pointer;color:var(--low)}
svg.chart{max-width:100%;height:auto;display:block;margin:8px 0 16px}
svg .axis{stroke:#868e96}svg .grid{stroke:#eef1f4}svg text{font:11px system-ui,sans-serif;fill:var(--ink)}svg .tick{fill:var(--muted)}svg .legend{fill:var(--ink)}svg .row-label{font-weight:600}svg .bar-label{fill:#fff;font-weight:600}svg .bar-value{fill:var(--muted)}
svg .bar-ok{fill:var(--ok)}svg .bar-failed{fill:var(--failed)}svg .bar-mem{fill:#4c6ef5}
svg line.event{stroke-width:2}svg .ev-cert{stroke:var(--critical);fill:var(--critical)}svg .ev-crash{stroke:var(--high);fill:var(--high)}svg .ev-log{stroke:#7048e8;fill:#7048e8}svg .ev-collected{stroke:#2b8a3e;fill:#2b8a3e}
svg .mark-limit{stroke:var(--critical);stroke-width:3;fill:var(--critical)}svg .mark-estimate{stroke:#2b8a3e;stroke-width:2;stroke-dasharray:3 2;fill:#2b8a3e}
svg .st-synced{fill:#40c057}svg .st-notsent{fill:#adb5bd}svg .st-stale{fill:var(--critical)}svg .st-error{fill:#5f0f0f}svg .st-ignored{fill:#dee2e6}
@media print{body{max-width:none;padding:0}details::details-content{content-visibility:visible;display:block}a{color:inherit;text-decoration:none}.finding{page-break-inside:avoid}}
`;
