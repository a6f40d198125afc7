using MaskTrainer.Data;

namespace MaskTrainer.Tests.Data;

public sealed class CanonicalFormTests
{
    [Theory]
    [InlineData("with_mask", "with_mask")]
    [InlineData("sans masque \u00fcn\u00ef", "sans masque u\u0308ni\u0308")] // macOS's spelling of a name typed here
    [InlineData("\u1ebf", "e\u0302\u0301")] // ế: decomposed twice over
    [InlineData("a\u0301\u0323", "a\u0323\u0301")] // marks put in canonical order (below 220 before above 230)
    [InlineData("\ud55c", "\u1112\u1161\u11ab")] // 한: Hangul by arithmetic
    [InlineData("\u212b", "A\u030a")] // the Angstrom sign is canonically Å
    public void Decompose_gives_NFD(string text, string nfd)
    {
        CanonicalForm.Decompose(text).Should().Be(nfd);
        CanonicalForm.Decompose(nfd).Should().Be(nfd);
    }

    [Fact]
    public void A_label_is_found_by_either_spelling_and_an_exact_one_comes_first()
    {
        string[] labels = ["avec masque", "sans masque \u00fcn\u00ef"];

        ClassNames.IndexOf(labels, "sans masque u\u0308ni\u0308").Should().Be(1);
        ClassNames.IndexOf(labels, "sans masque").Should().Be(-1);
        ClassNames.IndexOf(["u\u0308", "\u00fc"], "\u00fc").Should().Be(1, "the exact spelling wins when a model has both");
    }
}
