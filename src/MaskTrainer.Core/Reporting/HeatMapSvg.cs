using System.Text;

namespace MaskTrainer.Reporting;

/// <summary>
/// Confusion matrix as an SVG heat map: rows are true classes, columns predictions; colour is
/// the row-normalised share (recall on the diagonal), text shows the count and the share.
/// </summary>
internal static class HeatMapSvg
{
    private const double FontSize = 12;

    // Light-to-dark blue ramp (ColorBrewer "Blues").
    private static readonly (double At, int R, int G, int B)[] Ramp =
    [
        (0.00, 0xf7, 0xfb, 0xff),
        (0.25, 0xc6, 0xdb, 0xef),
        (0.50, 0x6b, 0xae, 0xd6),
        (0.75, 0x21, 0x71, 0xb5),
        (1.00, 0x08, 0x30, 0x6b),
    ];

    public static string Render(IReadOnlyList<string> labels, int[][] matrix)
    {
        var n = labels.Count;
        var cell = Math.Clamp(420.0 / n, 34, 96);
        var shown = labels.Select(l => Html.Truncate(l, 24)).ToArray();
        var longest = shown.Max(l => Html.TextWidth(l, FontSize));

        // Column labels are rotated when they do not fit under their cell.
        var rotate = longest > cell - 6;
        var left = 34 + longest + 10;
        var top = 12.0;
        var gridBottom = top + (n * cell);
        // sin(40°) ≈ 0.64 of the label length hangs below the grid when rotated.
        var bottom = gridBottom + (rotate ? (longest * 0.64) + 16 : 22) + 22;
        var legendX = left + (n * cell) + 22;
        var width = legendX + 64;
        var height = Math.Max(bottom, gridBottom + 8);

        var svg = new StringBuilder();
        svg.Append($"<svg class=\"chart heatmap\" viewBox=\"0 0 {Html.N(width)} {Html.N(height)}\" width=\"{Html.N(width)}\" height=\"{Html.N(height)}\" role=\"img\" aria-label=\"Confusion matrix\">");

        for (var t = 0; t < n; t++)
        {
            long rowTotal = 0;
            foreach (var c in matrix[t])
            {
                rowTotal += c;
            }

            var y = top + (t * cell);
            for (var p = 0; p < n; p++)
            {
                var count = matrix[t][p];
                var share = rowTotal > 0 ? (double)count / rowTotal : 0;
                var x = left + (p * cell);
                var tip = $"true {labels[t]} → predicted {labels[p]}: {count} ({Html.Percent(share)} of {labels[t]})";
                svg.Append($"<g class=\"cell{(t == p ? " diagonal" : "")}\" data-truth=\"{t}\" data-predicted=\"{p}\" data-count=\"{count}\">");
                svg.Append($"<title>{Html.Escape(tip)}</title>");
                svg.Append($"<rect x=\"{Html.N(x)}\" y=\"{Html.N(y)}\" width=\"{Html.N(cell)}\" height=\"{Html.N(cell)}\" fill=\"{Colour(share)}\"/>");
                var ink = share > 0.45 ? "#ffffff" : "#1b2733";
                var countSize = Math.Min(18, cell * 0.3);
                svg.Append($"<text x=\"{Html.N(x + (cell / 2))}\" y=\"{Html.N(y + (cell / 2))}\" fill=\"{ink}\" font-size=\"{Html.N(countSize)}\" font-weight=\"600\" text-anchor=\"middle\">{count}</text>");
                if (cell >= 44)
                {
                    svg.Append($"<text x=\"{Html.N(x + (cell / 2))}\" y=\"{Html.N(y + (cell / 2) + countSize)}\" fill=\"{ink}\" font-size=\"{Html.N(FontSize - 1)}\" text-anchor=\"middle\" opacity=\"0.85\">{Html.Percent(share, 0)}</text>");
                }

                svg.Append("</g>");
            }

            svg.Append($"<text class=\"tick\" x=\"{Html.N(left - 8)}\" y=\"{Html.N(y + (cell / 2) + 4)}\" text-anchor=\"end\"><title>{Html.Escape(labels[t])}</title>{Html.Escape(shown[t])}</text>");
        }

        // Thin white grid lines keep equal colours apart.
        for (var i = 1; i < n; i++)
        {
            var offset = i * cell;
            svg.Append($"<line x1=\"{Html.N(left + offset)}\" y1=\"{Html.N(top)}\" x2=\"{Html.N(left + offset)}\" y2=\"{Html.N(gridBottom)}\" stroke=\"#fff\" stroke-width=\"1.5\"/>");
            svg.Append($"<line x1=\"{Html.N(left)}\" y1=\"{Html.N(top + offset)}\" x2=\"{Html.N(left + (n * cell))}\" y2=\"{Html.N(top + offset)}\" stroke=\"#fff\" stroke-width=\"1.5\"/>");
        }

        for (var p = 0; p < n; p++)
        {
            var x = left + (p * cell) + (cell / 2);
            var y = gridBottom + 16;
            var label = $"<title>{Html.Escape(labels[p])}</title>{Html.Escape(shown[p])}";
            svg.Append(rotate
                ? $"<text class=\"tick\" x=\"{Html.N(x)}\" y=\"{Html.N(y - 4)}\" text-anchor=\"end\" transform=\"rotate(-40 {Html.N(x)} {Html.N(y - 4)})\">{label}</text>"
                : $"<text class=\"tick\" x=\"{Html.N(x)}\" y=\"{Html.N(y)}\" text-anchor=\"middle\">{label}</text>");
        }

        var midY = top + (n * cell / 2);
        svg.Append($"<text class=\"axis-title\" x=\"14\" y=\"{Html.N(midY)}\" text-anchor=\"middle\" transform=\"rotate(-90 14 {Html.N(midY)})\">True label</text>");
        svg.Append($"<text class=\"axis-title\" x=\"{Html.N(left + (n * cell / 2))}\" y=\"{Html.N(height - 6)}\" text-anchor=\"middle\">Predicted label</text>");

        // Colour legend: share of the true class.
        svg.Append("<defs><linearGradient id=\"mt-heat-ramp\" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\">");
        foreach (var (at, r, g, b) in Ramp)
        {
            svg.Append($"<stop offset=\"{Html.N(at)}\" stop-color=\"#{r:x2}{g:x2}{b:x2}\"/>");
        }

        svg.Append("</linearGradient></defs>");
        var legendHeight = Math.Min(n * cell, 220);
        svg.Append($"<rect x=\"{Html.N(legendX)}\" y=\"{Html.N(top)}\" width=\"12\" height=\"{Html.N(legendHeight)}\" fill=\"url(#mt-heat-ramp)\" stroke=\"#c8d0d9\" stroke-width=\"0.5\"/>");
        foreach (var (at, label) in new[] { (1.0, "100%"), (0.5, "50%"), (0.0, "0%") })
        {
            var y = top + ((1 - at) * legendHeight);
            svg.Append($"<text class=\"tick\" x=\"{Html.N(legendX + 18)}\" y=\"{Html.N(y + 4)}\">{label}</text>");
        }

        svg.Append($"<text class=\"note\" x=\"{Html.N(legendX)}\" y=\"{Html.N(top + legendHeight + 16)}\">of row</text>");
        svg.Append("</svg>");
        return svg.ToString();
    }

    /// <summary>Colour for a 0..1 share, interpolated along <see cref="Ramp"/>.</summary>
    internal static string Colour(double share)
    {
        share = Math.Clamp(double.IsFinite(share) ? share : 0, 0, 1);
        for (var i = 1; i < Ramp.Length; i++)
        {
            if (share <= Ramp[i].At)
            {
                var (a, b) = (Ramp[i - 1], Ramp[i]);
                var f = (share - a.At) / (b.At - a.At);
                int Mix(int x, int y) => (int)Math.Round(x + ((y - x) * f));
                return $"#{Mix(a.R, b.R):x2}{Mix(a.G, b.G):x2}{Mix(a.B, b.B):x2}";
            }
        }

        return "#08306b";
    }
}
