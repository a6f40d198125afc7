using System.Text;

namespace MaskTrainer.Reporting;

/// <summary>A small line chart (axes, nice ticks, grid, legend) drawn as inline SVG.</summary>
internal static class LineChartSvg
{
    private const double Width = 520;
    private const double Height = 300;
    private const double Left = 56;
    private const double Right = 16;
    private const double Top = 34;
    private const double Bottom = 46;

    /// <param name="title">Accessible name of the chart.</param>
    /// <param name="yTitle">Y axis title.</param>
    /// <param name="series">Lines to draw, in legend order.</param>
    /// <param name="percent">Y values are fractions shown as percentages (and the axis stays within 0..1).</param>
    /// <param name="includeZero">Start the Y axis at zero (losses).</param>
    public static string Render(string title, string yTitle, IReadOnlyList<ChartSeries> series, bool percent, bool includeZero)
    {
        var points = series.SelectMany(s => s.Points).Where(p => double.IsFinite(p.Y) && double.IsFinite(p.X)).ToList();
        var svg = new StringBuilder();
        svg.Append($"<svg class=\"chart line-chart\" viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-label=\"{Html.Escape(title)}\">");
        if (points.Count == 0)
        {
            svg.Append($"<text class=\"note\" x=\"{Width / 2}\" y=\"{Height / 2}\" text-anchor=\"middle\">No data</text></svg>");
            return svg.ToString();
        }

        var xMin = points.Min(p => p.X);
        var xMax = points.Max(p => p.X);
        if (xMax - xMin < 1)
        {
            // A single epoch: centre it rather than pin it to the axis.
            xMin -= 0.5;
            xMax += 0.5;
        }

        var yMin = points.Min(p => p.Y);
        var yMax = points.Max(p => p.Y);
        if (includeZero)
        {
            yMin = Math.Min(0, yMin);
        }

        var y = NiceScale.For(yMin, yMax, 6);
        if (percent)
        {
            y = y with { Min = Math.Max(0, y.Min), Max = Math.Min(1, y.Max) };
        }

        var plotWidth = Width - Left - Right;
        var plotHeight = Height - Top - Bottom;
        double X(double v) => Left + ((v - xMin) / (xMax - xMin) * plotWidth);
        double Y(double v) => Top + plotHeight - ((v - y.Min) / (y.Max - y.Min) * plotHeight);

        // Grid and Y ticks.
        foreach (var tick in y.Ticks())
        {
            var ty = Y(tick);
            svg.Append($"<line class=\"grid\" x1=\"{Html.N(Left)}\" y1=\"{Html.N(ty)}\" x2=\"{Html.N(Width - Right)}\" y2=\"{Html.N(ty)}\"/>");
            var text = percent ? Html.Percent(tick, y.Step < 0.01 ? 1 : 0) : FormatTick(tick, y.Step);
            svg.Append($"<text class=\"tick\" x=\"{Html.N(Left - 6)}\" y=\"{Html.N(ty + 4)}\" text-anchor=\"end\">{text}</text>");
        }

        // X ticks: whole epochs, at most ~10 labels.
        var xStep = Math.Max(1, NiceScale.For(xMin, xMax, 10).Step);
        xStep = Math.Ceiling(xStep);
        for (var tick = Math.Ceiling(xMin / xStep) * xStep; tick <= xMax + 1e-9; tick += xStep)
        {
            var tx = X(tick);
            svg.Append($"<line class=\"axis\" x1=\"{Html.N(tx)}\" y1=\"{Html.N(Top + plotHeight)}\" x2=\"{Html.N(tx)}\" y2=\"{Html.N(Top + plotHeight + 4)}\"/>");
            svg.Append($"<text class=\"tick\" x=\"{Html.N(tx)}\" y=\"{Html.N(Top + plotHeight + 17)}\" text-anchor=\"middle\">{Html.N(tick)}</text>");
        }

        svg.Append($"<line class=\"axis\" x1=\"{Html.N(Left)}\" y1=\"{Html.N(Top + plotHeight)}\" x2=\"{Html.N(Width - Right)}\" y2=\"{Html.N(Top + plotHeight)}\"/>");
        svg.Append($"<line class=\"axis\" x1=\"{Html.N(Left)}\" y1=\"{Html.N(Top)}\" x2=\"{Html.N(Left)}\" y2=\"{Html.N(Top + plotHeight)}\"/>");
        svg.Append($"<text class=\"axis-title\" x=\"{Html.N(Left + (plotWidth / 2))}\" y=\"{Html.N(Height - 8)}\" text-anchor=\"middle\">Epoch</text>");
        svg.Append($"<text class=\"axis-title\" x=\"14\" y=\"{Html.N(Top + (plotHeight / 2))}\" text-anchor=\"middle\" transform=\"rotate(-90 14 {Html.N(Top + (plotHeight / 2))})\">{Html.Escape(yTitle)}</text>");

        var markers = series.Max(s => s.Points.Count) <= 30;
        foreach (var line in series)
        {
            svg.Append($"<g class=\"series\" data-series=\"{Html.Escape(line.Name)}\">");
            foreach (var run in Runs(line.Points))
            {
                if (run.Count > 1)
                {
                    var path = string.Join(" ", run.Select(p => $"{Html.N(X(p.X))},{Html.N(Y(p.Y))}"));
                    svg.Append($"<polyline points=\"{path}\" fill=\"none\" stroke=\"{line.Colour}\" stroke-width=\"2\" stroke-linejoin=\"round\" stroke-linecap=\"round\"/>");
                }

                if (markers || run.Count == 1)
                {
                    foreach (var p in run)
                    {
                        svg.Append($"<circle cx=\"{Html.N(X(p.X))}\" cy=\"{Html.N(Y(p.Y))}\" r=\"2.8\" fill=\"{line.Colour}\"><title>{Html.Escape(line.Name)}, epoch {Html.N(p.X)}: {(percent ? Html.Percent(p.Y) : Html.Fixed(p.Y, 4))}</title></circle>");
                    }
                }
            }

            svg.Append("</g>");
        }

        // Legend above the plot, right-aligned, so it never hides data.
        var legendX = Width - Right;
        for (var i = series.Count - 1; i >= 0; i--)
        {
            var name = Html.Truncate(series[i].Name, 24);
            legendX -= Html.TextWidth(name, 12) + 30;
            svg.Append($"<line x1=\"{Html.N(legendX)}\" y1=\"14\" x2=\"{Html.N(legendX + 18)}\" y2=\"14\" stroke=\"{series[i].Colour}\" stroke-width=\"2.5\" stroke-linecap=\"round\"/>");
            svg.Append($"<text class=\"legend\" x=\"{Html.N(legendX + 23)}\" y=\"18\">{Html.Escape(name)}</text>");
        }

        svg.Append("</svg>");
        return svg.ToString();
    }

    private static string FormatTick(double value, double step)
    {
        var decimals = Math.Clamp((int)Math.Ceiling(-Math.Log10(step)), 0, 6);
        return value.ToString("F" + decimals, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Splits a series at non-finite values so a gap is drawn instead of a wrong line.</summary>
    private static List<List<(double X, double Y)>> Runs(IReadOnlyList<(double X, double Y)> points)
    {
        var runs = new List<List<(double X, double Y)>>();
        List<(double X, double Y)>? current = null;
        foreach (var p in points)
        {
            if (!double.IsFinite(p.Y) || !double.IsFinite(p.X))
            {
                current = null;
                continue;
            }

            if (current is null)
            {
                current = [];
                runs.Add(current);
            }

            current.Add(p);
        }

        return runs;
    }
}
