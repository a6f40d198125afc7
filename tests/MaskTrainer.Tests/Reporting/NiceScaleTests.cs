using MaskTrainer.Reporting;

namespace MaskTrainer.Tests.Reporting;

public sealed class NiceScaleTests
{
    [Theory]
    [InlineData(0.0, 1.13, 0.0, 1.25, 0.25)]
    [InlineData(0.0, 1.1, 0.0, 1.2, 0.2)]
    [InlineData(0.43, 0.97, 0.4, 1.0, 0.1)]
    [InlineData(0.0, 30.0, 0.0, 30.0, 5.0)]
    [InlineData(0.912, 0.934, 0.91, 0.935, 0.005)]
    public void Ranges_cover_the_data_with_round_steps(double min, double max, double niceMin, double niceMax, double step)
    {
        var scale = NiceScale.For(min, max, 6);

        scale.Min.Should().BeApproximately(niceMin, 1e-9);
        scale.Max.Should().BeApproximately(niceMax, 1e-9);
        scale.Step.Should().BeApproximately(step, 1e-9);
        scale.Ticks().First().Should().BeApproximately(niceMin, 1e-9);
        scale.Ticks().Last().Should().BeApproximately(niceMax, 1e-9);
    }

    [Fact]
    public void A_flat_series_still_gets_a_visible_range()
    {
        var scale = NiceScale.For(0.5, 0.5);

        scale.Min.Should().BeLessThan(0.5);
        scale.Max.Should().BeGreaterThan(0.5);
    }
}
