"""The HTML report's style sheet (inline: the file must open without a network): a single
column that fits a phone, tables that scroll sideways instead of widening the page, long words
and URLs broken anywhere, and a print layout (no backgrounds lost, sections kept whole, link
targets printed)."""

CSS = """
:root{--level:#555;color-scheme:light}
*{box-sizing:border-box}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#222;
margin:0 auto;max-width:980px;padding:12px 16px 32px}
h1{font-size:1.5em;margin:.2em 0}
h2{font-size:1.25em;margin:1.2em 0 .3em}
h3{font-size:1.05em;margin:1em 0 .3em}
.meta{color:#555;margin:.1em 0}
.files{font-size:.85em}
bdi,blockquote,dd,li{overflow-wrap:anywhere}
td{overflow-wrap:break-word}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;width:100%;font-size:.95em}
.scroll table{min-width:36em}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #ddd;vertical-align:top}
.n{font-variant-numeric:tabular-nums}
.badge{display:inline-block;padding:0 .45em;border-radius:3px;background:var(--level);
color:#fff;font-size:.85em;font-weight:600;white-space:nowrap}
tr.level-calm .badge{background:#2e7d32}
tr.level-watch .badge{background:#b58900}
tr.level-warning .badge{background:#e65100}
tr.level-storm .badge{background:#c62828}
section.topic{border-top:4px solid var(--level);margin-top:1.5em;padding-top:.2em}
.line{margin:.2em 0;color:#333}
svg.chart{display:block;width:100%;height:auto;margin:.3em 0;font-size:11px}
svg .axis{fill:#666}
svg .axis-line{stroke:#999;stroke-width:1}
svg .grid{stroke:#e3e3e3;stroke-width:1}
svg .band{fill:#90a4ae;fill-opacity:.3;stroke:none}
svg .expected{fill:none;stroke:#78909c;stroke-width:1;stroke-dasharray:4 3}
svg .mentions{fill:none;stroke:#1565c0;stroke-width:2;stroke-linejoin:round}
svg .negative{fill:none;stroke:#c62828;stroke-width:1.5}
svg .alert-marker line{stroke-width:1.5;stroke-dasharray:2 2}
svg .amplifier{fill:#ff8f00;stroke:#fff;stroke-width:1.5}
svg .track{fill:#eee}
svg .bar-label{fill:#fff;font-size:12px;font-weight:600}
.legend{font-size:.85em;color:#555;margin:.2em 0}
.key{display:inline-block;width:14px;height:10px;margin:0 4px 0 10px;vertical-align:middle}
.key.mentions{background:#1565c0;height:3px}
.key.band{background:#90a4ae;opacity:.5}
.key.change{border-left:2px dashed #c62828;width:2px}
.key.post{background:#ff8f00;border-radius:50%;width:10px}
dl.context{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:.3em 0}
dt{font-weight:600}
dd{margin:0}
ul.mentions{list-style:none;padding:0}
ul.mentions li{border-left:3px solid var(--level);padding:2px 10px;margin:.6em 0}
.head{font-size:.9em;color:#444}
blockquote{margin:.2em 0;font-style:italic;max-height:12em;overflow:auto}
a.url{font-size:.85em;color:#1565c0}
ol.steps li{margin:.35em 0}
.action{color:#555;font-size:.92em}
footer{margin-top:2em;color:#888;font-size:.85em}
@media (max-width:600px){body{font-size:14px;padding:8px}dl.context{grid-template-columns:1fr}
th,td{padding:3px 4px}}
@media print{body{max-width:none;font-size:10.5pt;padding:0}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
section.topic{break-before:page}section.topic h2,h3{break-after:avoid}
svg.chart,table,li{break-inside:avoid}
blockquote{max-height:none;overflow:visible}
a.url::after{content:""}a{color:inherit;text-decoration:none}}
"""
