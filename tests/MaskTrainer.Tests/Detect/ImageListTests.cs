using MaskTrainer.Detect.Sources;
using MaskTrainer.Tests.Imaging;

namespace MaskTrainer.Tests.Detect;

public sealed class ImageListTests
{
    [Fact]
    public void A_folder_gives_its_jfif_and_jpe_photos_and_skips_a_heic_one()
    {
        using var dir = new TempFolder("h2-");
        foreach (var name in new[] { "a.jpg", "b.jfif", "c.JPE", "d.HEIC" })
        {
            File.WriteAllBytes(dir.File(name), [1, 2, 3]);
        }

        var list = ImageList.Expand([dir.Path]);

        list.Files.Select(Path.GetFileName).Should().Equal("a.jpg", "b.jfif", "c.JPE");
        list.Skipped.Select(s => Path.GetFileName(s.Path)).Should().Equal("d.HEIC");
    }
}
