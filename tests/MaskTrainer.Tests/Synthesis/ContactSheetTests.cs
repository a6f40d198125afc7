using MaskTrainer.Imaging;
using OpenCvSharp;
using MaskTrainer.Synthesis;

namespace MaskTrainer.Tests.Synthesis;

public class ContactSheetTests
{
    [Fact]
    public void Lays_out_pairs_in_rows_bare_face_left_masked_face_right()
    {
        using var red = new Mat(50, 70, MatType.CV_8UC3, new Scalar(0, 0, 255));
        using var blue = new Mat(90, 90, MatType.CV_8UC3, new Scalar(255, 0, 0));
        var pairs = Enumerable.Repeat((red, blue), 5).ToList();
        var options = new ContactSheetOptions { TileSize = 32, PairsPerRow = 2, Gap = 4 };
        using var sheet = ContactSheet.Build(pairs, "five pairs", options);

        sheet.Cols.Should().Be(4 + (2 * ((2 * 32) + 4)));
        sheet.Rows.Should().Be(30 + 4 + (3 * (32 + 4)));
        var bytes = sheet.GetBytes();
        int Offset(int x, int y) => ((y * sheet.Cols) + x) * 3;
        int top = 30 + 4 + 16;
        bytes[Offset(4 + 16, top) + 2].Should().Be(255);  // left tile of the first pair is red
        bytes[Offset(4 + 32 + 16, top)].Should().Be(255); // right tile is blue
    }

    [Fact]
    public void Needs_at_least_one_pair()
    {
        var act = () => ContactSheet.Build([], "nothing");
        act.Should().Throw<ArgumentException>().WithMessage("*at least one pair*");
    }
}
