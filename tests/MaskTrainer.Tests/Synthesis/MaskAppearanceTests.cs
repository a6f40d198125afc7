using MaskTrainer.Synthesis;

namespace MaskTrainer.Tests.Synthesis;

public class MaskAppearanceTests
{
    [Fact]
    public void Same_seed_draws_the_same_masks()
    {
        var r1 = new Random(123);
        var r2 = new Random(123);
        for (int i = 0; i < 20; i++)
        {
            MaskAppearance.Random(r1).Should().Be(MaskAppearance.Random(r2));
        }
    }

    [Fact]
    public void Draws_cover_every_style_several_colours_and_patterns()
    {
        var rng = new Random(5);
        var draws = Enumerable.Range(0, 200).Select(_ => MaskAppearance.Random(rng)).ToList();
        draws.Select(d => d.Style).Distinct().Should().BeEquivalentTo(Enum.GetValues<MaskStyle>());
        draws.Select(d => d.Color).Distinct().Count().Should().BeGreaterThan(10);
        draws.Where(d => d.Style == MaskStyle.Patterned).Select(d => d.Pattern).Distinct().Should().HaveCount(4);
        draws.Where(d => d.Style != MaskStyle.Patterned).Should().OnlyContain(d => d.Pattern == MaskPattern.None);
    }

    [Fact]
    public void Style_filter_is_respected()
    {
        var rng = new Random(9);
        Enumerable.Range(0, 50).Select(_ => MaskAppearance.Random(rng, [MaskStyle.N95, MaskStyle.Cloth]).Style)
            .Should().OnlyContain(s => s == MaskStyle.N95 || s == MaskStyle.Cloth);
    }
}
