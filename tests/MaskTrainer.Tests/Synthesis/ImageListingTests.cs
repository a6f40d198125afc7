using MaskTrainer.Synthesis;

namespace MaskTrainer.Tests.Synthesis;

public sealed class ImageListingTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "mt-synth-list-" + Guid.NewGuid().ToString("N"));

    public ImageListingTests() => Directory.CreateDirectory(root);

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Fact]
    public void Lists_images_recursively_in_ordinal_order_skipping_hidden_other_files_and_the_output_folder()
    {
        Touch("b.jpg");
        Touch("A.PNG");
        Touch("notes.txt");
        Touch(".hidden.jpg");
        Touch("sub/c.webp");
        Touch(".git/d.jpg");
        Touch("out/with_mask/e.jpg");

        var files = MaskSynthesizer.ListImages(root, Path.Combine(root, "out"));
        files.Select(f => Path.GetRelativePath(root, f).Replace('\\', '/')).Should().Equal("A.PNG", "b.jpg", "sub/c.webp");
    }

    [Fact]
    public void Jfif_and_jpe_photos_are_listed_as_training_lists_them()
    {
        Touch("download.jfif");
        Touch("old.JPE");
        Touch("phone.heic");

        MaskSynthesizer.ListImages(root).Select(Path.GetFileName).Should().Equal("download.jfif", "old.JPE");
    }

    [Fact]
    public void Missing_folder_is_a_clear_error()
    {
        var act = () => MaskSynthesizer.ListImages(Path.Combine(root, "nope"));
        act.Should().Throw<DirectoryNotFoundException>().WithMessage("*nope*does not exist*");
    }

    [Fact]
    public void Starter_set_is_needed_only_when_the_data_folder_has_no_image()
    {
        StarterDataset.HasImages(Path.Combine(root, "missing")).Should().BeFalse();
        Touch("data/README.md");
        Touch("data/with_mask/.gitkeep");
        StarterDataset.HasImages(Path.Combine(root, "data")).Should().BeFalse();
        Touch("data/without_mask/x.jpeg");
        StarterDataset.HasImages(Path.Combine(root, "data")).Should().BeTrue();
    }

    [Fact]
    public void Face_seeds_are_stable_and_differ_per_file_and_face()
    {
        // Pinned values: the seed must not change between runs, processes or platforms.
        int a = MaskSynthesizer.FaceSeed(42, "people/a.jpg", 0);
        a.Should().Be(MaskSynthesizer.FaceSeed(42, "people/a.jpg", 0));
        a.Should().NotBe(MaskSynthesizer.FaceSeed(42, "people/a.jpg", 1));
        a.Should().NotBe(MaskSynthesizer.FaceSeed(42, "people/b.jpg", 0));
        a.Should().NotBe(MaskSynthesizer.FaceSeed(43, "people/a.jpg", 0));
        a.Should().BeGreaterThanOrEqualTo(0);
    }

    private void Touch(string relative)
    {
        string path = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, [1, 2, 3]);
    }
}
