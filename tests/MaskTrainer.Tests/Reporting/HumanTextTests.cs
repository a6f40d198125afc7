using MaskTrainer.Reporting;

namespace MaskTrainer.Tests.Reporting;

public sealed class HumanTextTests
{
    [Theory]
    [InlineData("photos/a.jpg", "photos/a.jpg")]
    [InlineData("new\nline.jpg", "new\\nline.jpg")]
    [InlineData("a\r\nb\tc", "a\\r\\nb\\tc")]
    [InlineData("bell\u0007 esc\u001B del\u007F c1\u0085", "bell\\x07 esc\\x1B del\\x7F c1\\x85")]
    [InlineData("ls\u2028ps\u2029", "ls\\u2028ps\\u2029")]
    [InlineData(@"C:\photos\ünï 日本.png", @"C:\photos\ünï 日本.png")]
    [InlineData("", "")]
    public void Control_characters_in_names_are_shown_as_escapes_so_a_message_stays_one_line(string text, string shown) =>
        HumanText.Escape(text).Should().Be(shown);

    [Fact]
    public void A_name_without_control_characters_is_returned_as_it_is()
    {
        const string path = "photos/plain.jpg";
        HumanText.Escape(path).Should().BeSameAs(path);
    }
}
