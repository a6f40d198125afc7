namespace MaskTrainer.Reporting;

/// <summary>
/// Axis range and tick step made of "nice" numbers (1, 2, 2.5, 5 × 10^k) covering the data,
/// the classic Heckbert labelling.
/// </summary>
internal readonly record struct NiceScale(double Min, double Max, double Step)
{
    public static NiceScale For(double min, double max, int maxTicks = 6)
    {
        if (!double.IsFinite(min) || !double.IsFinite(max))
        {
            return new NiceScale(0, 1, 0.2);
        }

        if (max - min < 1e-12)
        {
            // A flat line still needs a visible range around it.
            var pad = Math.Abs(min) > 1e-12 ? Math.Abs(min) * 0.1 : 1;
            min -= pad;
            max += pad;
        }

        var step = Nice((max - min) / Math.Max(1, maxTicks - 1));
        return new NiceScale(Math.Floor(min / step) * step, Math.Ceiling(max / step) * step, step);
    }

    public IEnumerable<double> Ticks()
    {
        var count = (int)Math.Round((Max - Min) / Step);
        for (var i = 0; i <= count; i++)
        {
            yield return Min + (i * Step);
        }
    }

    private static double Nice(double value)
    {
        var exponent = Math.Floor(Math.Log10(value));
        var fraction = value / Math.Pow(10, exponent);
        var nice = fraction < 1.5 ? 1 : fraction < 2.25 ? 2 : fraction < 3.5 ? 2.5 : fraction < 7.5 ? 5 : 10;
        return nice * Math.Pow(10, exponent);
    }
}
