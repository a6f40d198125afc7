namespace MaskTrainer.Reporting;

/// <summary>One line of a <see cref="LineChartSvg"/>; points with a non-finite Y are gaps.</summary>
internal sealed record ChartSeries(string Name, string Colour, IReadOnlyList<(double X, double Y)> Points);
