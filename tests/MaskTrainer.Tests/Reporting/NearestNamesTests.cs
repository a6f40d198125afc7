using MaskTrainer.Reporting;

namespace MaskTrainer.Tests.Reporting;

public sealed class NearestNamesTests
{
    private static readonly string[] Options = ["--image", "--images", "--video", "--json", "--help", "-h", "-?", "-o", "--output"];

    [Theory]
    [InlineData("--imgae", "unknown option '--imgae': did you mean '--image'?")] // two letters swapped: one edit
    [InlineData("--vidoe", "unknown option '--vidoe': did you mean '--video'?")]
    [InlineData("--hlep", "unknown option '--hlep': did you mean '--help'?")]
    [InlineData("--JSON", "unknown option '--JSON': did you mean '--json'?")] // case is no edit, but the exact name only matches as typed
    [InlineData("--outptu", "unknown option '--outptu': did you mean '--output'?")]
    [InlineData("--frobnicate", "unknown option '--frobnicate'")] // near nothing
    [InlineData("-x", "unknown option '-x'")] // a letter is near every short alias: no guess
    [InlineData("--ab", "unknown option '--ab'")]
    [InlineData("photo.jpg", "unexpected argument 'photo.jpg'")]
    [InlineData("-", "unexpected argument '-'")]
    public void An_unknown_word_is_named_with_the_option_it_looks_like_a_typo_of(string token, string expected) =>
        NearestNames.Unmatched(token, Options).Should().Be(expected);

    [Theory]
    [InlineData("abc", "abc", 0)]
    [InlineData("abc", "ABC", 0)]
    [InlineData("abc", "acb", 1)]
    [InlineData("kitten", "sitting", 3)]
    [InlineData("", "abc", 3)]
    [InlineData("Relu_269", "Relu_26", 1)]
    public void Distance_counts_inserts_deletes_replacements_and_swaps(string a, string b, int expected)
    {
        NearestNames.Distance(a, b).Should().Be(expected);
        NearestNames.Distance(b, a).Should().Be(expected);
    }
}
