namespace MaskTrainer.Reporting;

/// <summary>The report's inline stylesheet (no external fonts or files: the page must work offline).</summary>
internal static class ReportStyle
{
    public const string Css = """
        :root { --ink: #1b2733; --muted: #5f6b7a; --line: #e3e8ee; --card: #ffffff; --bg: #f4f6f9;
                --accent: #2171b5; --good: #1a7f37; --bad: #c0392b; }
        * { box-sizing: border-box; }
        body { margin: 0; background: var(--bg); color: var(--ink);
               font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
        main { max-width: 1160px; margin: 0 auto; padding: 28px 24px 40px; }
        header { margin-bottom: 20px; }
        h1 { font-size: 26px; margin: 0 0 4px; letter-spacing: -0.01em; }
        h2 { font-size: 17px; margin: 0 0 14px; }
        h2 .count { color: var(--muted); font-weight: 400; }
        .meta { color: var(--muted); font-size: 13px; overflow-wrap: anywhere; }
        .meta code { font-size: 12px; }
        section { background: var(--card); border: 1px solid var(--line); border-radius: 10px;
                  padding: 18px 20px; margin: 0 0 18px; }
        .cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(160px, 1fr)); gap: 12px; margin: 0 0 18px; }
        .card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 12px 16px; }
        .warning { background: #fff4e5; border-left: 4px solid #f08c00; padding: 8px 14px; margin: 0 0 18px; }
        table.split td:not(:first-child), table.split th:not(:first-child) { text-align: right; }
        table.split tr.total td { font-weight: 600; border-top: 2px solid var(--line); }
        p.note { color: var(--muted); font-size: 13px; margin: 8px 0 0; }
        .card .value { font-size: 24px; font-weight: 650; font-variant-numeric: tabular-nums; }
        .card .name { color: var(--muted); font-size: 12.5px; font-weight: 600; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
        .card .hint { color: var(--muted); font-size: 11.5px; }
        .row { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
        .row > * { min-width: 0; }
        .grow { flex: 1 1 340px; }
        .charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 18px; }
        .charts figure { margin: 0; }
        figcaption { font-weight: 600; margin-bottom: 6px; }
        svg.chart { display: block; max-width: 100%; height: auto;
                    font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }
        svg .tick { font-size: 11.5px; fill: var(--muted); }
        svg .axis-title { font-size: 12px; fill: var(--ink); font-weight: 600; }
        svg .legend { font-size: 12px; fill: var(--ink); }
        svg .note { font-size: 11px; fill: var(--muted); }
        svg .grid { stroke: #edf0f4; stroke-width: 1; }
        svg .axis { stroke: #9aa5b1; stroke-width: 1; }
        table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
        th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
        th { font-size: 12px; color: var(--muted); font-weight: 600; text-transform: uppercase; letter-spacing: 0.03em; }
        td.num, th.num { text-align: right; white-space: nowrap; }
        tbody tr:nth-child(even) { background: #fafbfc; }
        td.path { overflow-wrap: anywhere; font-size: 12.5px; }
        .gallery { display: grid; grid-template-columns: repeat(auto-fill, minmax(180px, 1fr)); gap: 12px; }
        .shot { border: 1px solid var(--line); border-radius: 8px; overflow: hidden; background: #fff; }
        .shot img, .shot .noimg { display: block; width: 100%; aspect-ratio: 1; object-fit: cover; background: #eef1f5; }
        .shot .noimg { display: flex; align-items: center; justify-content: center; color: var(--muted); font-size: 12px; }
        .shot .cap { padding: 7px 9px 8px; font-size: 12.5px; font-weight: 400; }
        .shot .line { display: flex; gap: 6px; align-items: baseline; white-space: nowrap; }
        .shot .k { color: var(--muted); font-size: 11.5px; flex: none; }
        .shot .v { overflow: hidden; text-overflow: ellipsis; }
        .shot .pred { font-weight: 650; }
        .shot .truth { color: var(--good); }
        .shot .pred { color: var(--bad); }
        .shot .prob { margin-left: auto; padding-left: 4px; color: var(--ink); font-weight: 600; font-variant-numeric: tabular-nums; }
        .shot .file { color: var(--muted); font-size: 11px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; margin-top: 2px; }
        dl.kv { display: grid; grid-template-columns: max-content 1fr; gap: 4px 18px; margin: 0; }
        dl.kv dt { color: var(--muted); }
        dl.kv dd { margin: 0; overflow-wrap: anywhere; }
        ul.lines { margin: 0; padding-left: 18px; }
        details summary { cursor: pointer; color: var(--accent); margin-bottom: 8px; }
        .empty { color: var(--muted); font-style: italic; }
        footer { color: var(--muted); font-size: 12px; text-align: center; margin-top: 8px; }
        @media print { body { background: #fff; } section, .card { break-inside: avoid; } }
        """;
}
