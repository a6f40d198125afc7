using System.IO.Compression;
using System.Text.Json.Nodes;
using MaskTrainer.Serialization;
using MaskTrainer.Training;

namespace MaskTrainer.Tests.Serialization;

/// <summary>A small but complete model: two head tensors, a two-file backbone of random bytes.</summary>
internal sealed class TestModel
{
    public TestModel(TempFolder folder, int backboneBytes = 200_000)
    {
        var random = new Random(1234);
        var weights = new float[4 * 3];
        for (var i = 0; i < weights.Length; i++)
        {
            weights[i] = (float)(random.NextDouble() * 2 - 1);
        }

        // Values that a lossy or text round trip would not preserve bit for bit.
        var bias = new[] { float.NaN, -0f, float.Epsilon, };
        Tensors = [new NamedTensor("w", [4, 3], weights), new NamedTensor("b", [3], bias)];

        var net = new byte[backboneBytes];
        random.NextBytes(net);
        var config = new byte[5_000];
        random.NextBytes(config);
        var source = folder.Folder("source");
        BackboneFiles = new Dictionary<string, string>
        {
            ["net.onnx"] = Path.Combine(source, "net.onnx"),
            ["net.cfg"] = Path.Combine(source, "net.cfg"),
        };
        File.WriteAllBytes(BackboneFiles["net.onnx"], net);
        File.WriteAllBytes(BackboneFiles["net.cfg"], config);

        Manifest = new ModelManifest
        {
            CreatedUtc = new DateTimeOffset(2025, 3, 4, 5, 6, 7, TimeSpan.Zero),
            ToolVersion = "0.1.0-test",
            Labels = ["with_mask", "without_mask", "mask_weared_incorrect"],
            Backbone = new BackboneInfo
            {
                Id = "test-net",
                Format = "onnx",
                Preprocessing = new PreprocessingInfo
                {
                    InputWidth = 224,
                    InputHeight = 224,
                    Mean = [0.485f, 0.456f, 0.406f],
                    Scale = 1f / 255f,
                    Std = [0.229f, 0.224f, 0.225f],
                    FeatureLayer = "onnx_node!Flatten_373",
                    FeatureSize = 4,
                },
            },
            FaceCrop = new FaceCropInfo { DetectorId = "res10-ssd", Margin = 0.25f, BlankMargin = true },
            Head = new HeadInfo { Kind = "softmax", Settings = new JsonObject { ["l2"] = 1e-4 } },
            TrainingOptions = new JsonObject { ["epochs"] = 30, ["seed"] = 42, ["learningRate"] = 0.01 },
            Metrics = new JsonObject { ["accuracy"] = 0.9375, ["auc"] = double.NaN },
            DatasetSummary = new JsonObject { ["train"] = 120, ["test"] = 32 },
        };
    }

    public ModelManifest Manifest { get; }

    public NamedTensor[] Tensors { get; }

    public Dictionary<string, string> BackboneFiles { get; }

    public ModelManifest Save(string path, bool embed = true) =>
        ModelPackage.Save(path, Manifest, Tensors, BackboneFiles, embed);
}

/// <summary>Rebuilds a model zip entry by entry so tests can forge damaged and hostile files.</summary>
internal static class ZipForge
{
    public static List<(string Name, byte[] Bytes)> ReadEntries(string zipPath)
    {
        using var zip = ZipFile.OpenRead(zipPath);
        var list = new List<(string, byte[])>();
        foreach (var entry in zip.Entries)
        {
            using var stream = entry.Open();
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            list.Add((entry.FullName, buffer.ToArray()));
        }

        return list;
    }

    public static void Write(string zipPath, IEnumerable<(string Name, byte[] Bytes)> entries)
    {
        File.Delete(zipPath);
        using var zip = ZipFile.Open(zipPath, ZipArchiveMode.Create);
        foreach (var (name, bytes) in entries)
        {
            using var stream = zip.CreateEntry(name).Open();
            stream.Write(bytes);
        }
    }

    /// <summary>Copies a model, letting the callbacks change the manifest JSON and the entry list.</summary>
    public static void Rewrite(
        string from,
        string to,
        Action<JsonObject>? editManifest = null,
        Action<List<(string Name, byte[] Bytes)>>? editEntries = null)
    {
        var entries = ReadEntries(from);
        if (editManifest is not null)
        {
            var index = entries.FindIndex(e => e.Name == "manifest.json");
            var json = JsonNode.Parse(entries[index].Bytes)!.AsObject();
            editManifest(json);
            entries[index] = ("manifest.json", System.Text.Encoding.UTF8.GetBytes(json.ToJsonString()));
        }

        editEntries?.Invoke(entries);
        Write(to, entries);
    }

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
}
