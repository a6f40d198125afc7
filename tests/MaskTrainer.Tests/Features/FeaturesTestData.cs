using System.Security.Cryptography;
using MaskTrainer.Data;
using MaskTrainer.Models;

namespace MaskTrainer.Tests.Features;

/// <summary>Real images and models for the featurizing tests, found through <see cref="SharedData"/>.</summary>
internal static class FeaturesTestData
{
    public const string MaskSample = "data/mask-sample";
    public const string FrPose = "models/fr_pose.onnx";
    public const string FrExpression = "models/fr_expression.onnx";

    private static readonly Lazy<string[]> Files = new(() =>
    {
        var root = SharedData.Path(MaskSample) ?? throw new InvalidOperationException("mask-sample missing");
        // Alternate the classes so that small prefixes hold both.
        var with = Directory.GetFiles(Path.Combine(root, "with_mask")).Order(StringComparer.Ordinal).ToArray();
        var without = Directory.GetFiles(Path.Combine(root, "without_mask")).Order(StringComparer.Ordinal).ToArray();
        return with.Zip(without, (a, b) => new[] { a, b }).SelectMany(p => p).ToArray();
    });

    /// <summary>The first <paramref name="count"/> mask-sample images, classes alternating (0 = with_mask, 1 = without_mask).</summary>
    public static ImageExample[] Examples(int count, int skip = 0) =>
        Files.Value.Skip(skip).Take(count).Select(Example).ToArray();

    public static ImageExample Example(string path)
    {
        string label = Path.GetFileName(Path.GetDirectoryName(path))!;
        int index = label == "with_mask" ? 0 : label == "without_mask" ? 1 : 0;
        return new ImageExample(path, label, index, Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))));
    }

    /// <summary>A store that only uses the shared offline models (no downloads, cache in a temp folder).</summary>
    public static ModelStore Store() => new(new ModelStoreOptions
    {
        ModelsDirectories = [SharedData.Full("models")],
        AllowDownload = false,
        CacheDirectory = Path.Combine(Path.GetTempPath(), "mt-features-store-" + Guid.NewGuid().ToString("N")),
    });

    public static string ModelPath(string fileName) => SharedData.Full(Path.Combine("models", fileName));
}
