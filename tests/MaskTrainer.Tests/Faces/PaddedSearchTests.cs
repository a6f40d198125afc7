using MaskTrainer.Faces;
using OpenCvSharp;

namespace MaskTrainer.Tests.Faces;

public sealed class PaddedSearchTests
{
    [Fact]
    public void A_large_photo_is_shrunk_then_padded_and_boxes_map_back_to_its_pixels()
    {
        using var photo = new Mat(3000, 5000, MatType.CV_8UC3, Scalar.All(90));

        using var search = PaddedSearch.For(photo, 0.25f);

        search.Image.Size().Should().Be(new Size(3072, 1843), "5000x3000 shrunk to 2048x1229, plus 512 and 307 px per side");
        search.Photo.Should().Be(new Rect(512, 307, 2048, 1229));
        var whole = search.ToPhoto(search.Photo);
        whole.X.Should().Be(0);
        whole.Y.Should().Be(0);
        whole.Width.Should().BeCloseTo(5000, 2);
        whole.Height.Should().BeCloseTo(3000, 2);
        search.ToPhoto(new Point2f(512 + 1024, 307)).X.Should().BeApproximately(2500, 0.01f);
    }

    [Fact]
    public void A_photo_within_the_limit_is_padded_only_and_maps_back_exactly()
    {
        // Training's crops of such photos (every mask-sample photo up to 2048 px) are as before the limit came.
        using var photo = new Mat(480, 640, MatType.CV_8UC3, Scalar.All(90));

        using var search = PaddedSearch.For(photo, 0.25f);

        search.Image.Size().Should().Be(new Size(960, 720));
        search.ToPhoto(new Rect(200, 150, 77, 91)).Should().Be(new Rect(40, 30, 77, 91));
        search.ToPhoto(new Point2f(160.5f, 120.25f)).Should().Be(new Point2f(0.5f, 0.25f));
    }

    [Fact]
    public void Without_padding_or_shrinking_the_photo_itself_is_searched()
    {
        using var photo = new Mat(100, 100, MatType.CV_8UC3, Scalar.All(90));

        using var search = PaddedSearch.For(photo, 0f);

        search.Image.Should().BeSameAs(photo);
    }
}
