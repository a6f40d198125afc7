using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json.Nodes;
using MaskTrainer.Serialization;
using Xunit.Abstractions;

namespace MaskTrainer.Tests.Serialization;

/// <summary>Damaged, truncated, tampered and hostile files are refused with one clear line.</summary>
public sealed class ModelPackageRejectionTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly TestModel _model;
    private readonly string _good;
    private readonly ITestOutputHelper _output;

    public ModelPackageRejectionTests(ITestOutputHelper output)
    {
        _output = output;
        _model = new TestModel(_folder, backboneBytes: 20_000);
        _good = _folder.File("good.zip");
        _model.Save(_good);
    }

    public void Dispose() => _folder.Dispose();

    private string Bad => _folder.File("bad.zip");

    private LoadOptions Options => new() { TempDirectory = _folder.Folder("extract") };

    private void ShouldRefuse(string path, string messagePattern)
    {
        var load = () => ModelPackage.Load(path, Options).Dispose();
        var message = load.Should().Throw<ModelFileException>().Which.Message;
        message.Should().Match(messagePattern);
        message.Should().StartWith(path + ": ").And.NotContain("\n");
        Directory.GetFileSystemEntries(_folder.File("extract")).Should().BeEmpty("a refused file leaves nothing extracted");
    }

    [Fact]
    public void Missing_file_is_reported_as_not_found()
    {
        ShouldRefuse(_folder.File("nope.zip"), "*model file not found");
    }

    [Fact]
    public void A_file_that_is_not_a_zip_is_refused()
    {
        File.WriteAllText(Bad, "hello, I am a text file pretending to be a model");

        ShouldRefuse(Bad, "*not a model file: not a valid zip archive (truncated or corrupt)");
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.9)]
    [InlineData(0.999)]
    public void A_truncated_file_is_refused(double keep)
    {
        var bytes = File.ReadAllBytes(_good);
        File.WriteAllBytes(Bad, bytes[..(int)(bytes.Length * keep)]);

        ShouldRefuse(Bad, "*truncated or corrupt*");
    }

    [Fact]
    public void A_file_cut_by_one_byte_is_refused()
    {
        var bytes = File.ReadAllBytes(_good);
        File.WriteAllBytes(Bad, bytes[..^1]);

        ShouldRefuse(Bad, "*");
    }

    [Fact]
    public void A_rewritten_entry_with_a_valid_zip_checksum_is_caught_by_its_SHA256()
    {
        ZipForge.Rewrite(_good, Bad, editEntries: entries =>
        {
            var i = entries.FindIndex(e => e.Name == "head/w.bin");
            var bytes = (byte[])entries[i].Bytes.Clone();
            bytes[5] ^= 0x01;
            entries[i] = (entries[i].Name, bytes);
        });

        ShouldRefuse(Bad, "*: entry head/w.bin is corrupt or was modified (SHA-256 mismatch)");
    }

    [Fact]
    public void A_modified_backbone_is_caught_and_its_partial_extraction_removed()
    {
        ZipForge.Rewrite(_good, Bad, editEntries: entries =>
        {
            var i = entries.FindIndex(e => e.Name == "backbone/net.onnx");
            var bytes = (byte[])entries[i].Bytes.Clone();
            bytes[^1] ^= 0x80;
            entries[i] = (entries[i].Name, bytes);
        });

        ShouldRefuse(Bad, "*: entry backbone/net.onnx is corrupt or was modified (SHA-256 mismatch)");
    }

    [Fact]
    public void A_modified_metrics_document_is_caught()
    {
        ZipForge.Rewrite(_good, Bad, editEntries: entries =>
        {
            var i = entries.FindIndex(e => e.Name == "metrics.json");
            entries[i] = (entries[i].Name, Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(entries[i].Bytes).Replace("0.9375", "0.9999")));
        });

        ShouldRefuse(Bad, "*entry metrics.json is corrupt or was modified (SHA-256 mismatch)");
    }

    [Fact]
    public void Flipping_any_byte_of_the_file_either_is_refused_or_changes_nothing_that_is_loaded()
    {
        var good = File.ReadAllBytes(_good);
        using var reference = ModelPackage.Load(_good, Options);
        var refused = 0;
        var tried = 0;
        var reasons = new Dictionary<string, int>();

        // ~150 positions spread over headers, compressed data, central directory and end record.
        for (var position = 0; position < good.Length; position += Math.Max(1, good.Length / 150))
        {
            var bytes = (byte[])good.Clone();
            bytes[position] ^= 0x5A;
            tried++;
            File.WriteAllBytes(Bad, bytes);
            try
            {
                using var loaded = ModelPackage.Load(Bad, Options);

                // Only bytes nobody reads (timestamps, attributes, padding) may change silently.
                loaded.Manifest.ToJson().Should().Be(reference.Manifest.ToJson(), $"byte {position} was flipped");
                for (var t = 0; t < loaded.HeadTensors.Count; t++)
                {
                    MemoryMarshal.AsBytes(loaded.HeadTensors[t].Data.AsSpan()).ToArray()
                        .Should().Equal(MemoryMarshal.AsBytes(reference.HeadTensors[t].Data.AsSpan()).ToArray());
                }

                File.ReadAllBytes(loaded.GetBackboneFile("net.onnx")).Should().Equal(File.ReadAllBytes(reference.GetBackboneFile("net.onnx")));
            }
            catch (ModelFileException e)
            {
                e.Message.Should().StartWith(Bad + ": ").And.NotContain("\n");
                refused++;
                var reason = e.Message[(Bad.Length + 2)..];
                reason = reason.Length > 60 ? reason[..60] : reason;
                reasons[reason] = reasons.GetValueOrDefault(reason) + 1;
            }
        }

        _output.WriteLine($"{refused} of {tried} flipped files refused; reasons:");
        foreach (var (reason, count) in reasons.OrderByDescending(r => r.Value))
        {
            _output.WriteLine($"  {count,4}  {reason}");
        }

        refused.Should().BeGreaterThan(100, "almost every byte of a model file matters");
    }

    [Theory]
    [InlineData("../evil.txt")]
    [InlineData("/tmp/abs-evil.txt")]
    [InlineData("backbone/../../evil.txt")]
    [InlineData("backbone\\..\\evil.txt")]
    [InlineData("C:/evil.txt")]
    [InlineData("head//w.bin")]
    public void Entries_with_unsafe_names_are_refused_and_nothing_is_written_anywhere(string name)
    {
        var payload = Encoding.UTF8.GetBytes("pwned");
        ZipForge.Rewrite(
            _good,
            Bad,
            // Even when the manifest vouches for the entry, its name alone is enough to refuse.
            editManifest: m => m["entries"]!.AsArray().Add(new JsonObject
            {
                ["path"] = name,
                ["sha256"] = ZipForge.Sha256(payload),
                ["size"] = payload.Length,
            }),
            editEntries: entries => entries.Insert(0, (name, payload)));
        var before = _folder.AllFiles();

        ShouldRefuse(Bad, $"*refused: entry '{name}' has an unsafe name*");

        _folder.AllFiles().Should().Equal(before);
        File.Exists(Path.Combine(Path.GetDirectoryName(_folder.Path)!, "evil.txt")).Should().BeFalse();
        File.Exists("/tmp/abs-evil.txt").Should().BeFalse();
    }

    [Fact]
    public void A_backbone_file_name_that_climbs_out_of_the_folder_is_refused()
    {
        ZipForge.Rewrite(_good, Bad, editManifest: m =>
        {
            m["backbone"]!["files"]![0]!["name"] = "../evil.onnx";
        });

        ShouldRefuse(Bad, "*backbone file name '../evil.onnx' is not a plain file name");
    }

    [Fact]
    public void A_newer_format_version_asks_for_an_upgrade()
    {
        ZipForge.Rewrite(_good, Bad, editManifest: m => m["formatVersion"] = 99);

        ShouldRefuse(Bad, "*: was written by format version 99; this MaskTrainer reads version 1 — upgrade MaskTrainer");
    }

    [Fact]
    public void A_zip_without_manifest_is_not_a_model()
    {
        ZipForge.Rewrite(_good, Bad, editEntries: entries => entries.RemoveAll(e => e.Name == "manifest.json"));

        ShouldRefuse(Bad, "*: not a model file: manifest.json is missing");
    }

    [Fact]
    public void A_manifest_that_is_not_json_is_refused()
    {
        ZipForge.Rewrite(_good, Bad, editEntries: entries =>
        {
            var i = entries.FindIndex(e => e.Name == "manifest.json");
            entries[i] = ("manifest.json", entries[i].Bytes[..^40]);
        });

        ShouldRefuse(Bad, "*manifest.json is not valid*");
    }

    [Fact]
    public void Missing_labels_are_refused()
    {
        ZipForge.Rewrite(_good, Bad, editManifest: m => m.Remove("labels"));

        ShouldRefuse(Bad, "*: manifest has no labels");
    }

    [Fact]
    public void A_tensor_whose_size_does_not_match_its_shape_is_refused()
    {
        // A consistent forgery: w.bin loses one float and the manifest's hashes are updated,
        // only the shape still says 4x3.
        ZipForge.Rewrite(_good, Bad, editManifest: m =>
        {
            var entries = ZipForge.ReadEntries(_good).ToDictionary(e => e.Name, e => e.Bytes);
            var shorter = entries["head/w.bin"][..^4];
            var sha = ZipForge.Sha256(shorter);
            m["head"]!["tensors"]![0]!["sha256"] = sha;
            var entry = m["entries"]!.AsArray().Single(e => e!["path"]!.GetValue<string>() == "head/w.bin")!;
            entry["sha256"] = sha;
            entry["size"] = shorter.Length;
        },
        editEntries: entries =>
        {
            var i = entries.FindIndex(e => e.Name == "head/w.bin");
            entries[i] = (entries[i].Name, entries[i].Bytes[..^4]);
        });

        ShouldRefuse(Bad, "*: head tensor 'w' has shape [4, 3] (48 bytes) but entry head/w.bin holds 44 bytes");
    }

    [Fact]
    public void Duplicate_entries_are_refused()
    {
        ZipForge.Rewrite(_good, Bad, editEntries: entries => entries.Add(entries.Single(e => e.Name == "head/w.bin")));

        ShouldRefuse(Bad, "*: refused: entry head/w.bin appears more than once");
    }

    [Fact]
    public void An_entry_the_manifest_does_not_list_is_refused()
    {
        ZipForge.Rewrite(_good, Bad, editEntries: entries => entries.Add(("extra/readme.txt", [1, 2, 3])));

        ShouldRefuse(Bad, "*: entry extra/readme.txt is not listed in the manifest (modified?)");
    }

    [Fact]
    public void A_zip_bomb_is_refused_before_it_is_inflated()
    {
        // 64 MiB of zeros deflates to ~64 KiB; the manifest still declares the small original.
        ZipForge.Rewrite(_good, Bad, editEntries: entries =>
        {
            var i = entries.FindIndex(e => e.Name == "metrics.json");
            entries[i] = ("metrics.json", new byte[64 << 20]);
        });
        new FileInfo(Bad).Length.Should().BeLessThan(1 << 20);

        ShouldRefuse(Bad, "*: entry metrics.json holds 67108864 bytes but the manifest declares * (corrupt, modified or a zip bomb)");
    }

    [Fact]
    public void Entries_over_the_size_limit_are_refused_even_when_declared()
    {
        var load = () => ModelPackage.Load(_good, Options with { MaxEntryBytes = 10_000 });

        load.Should().Throw<ModelFileException>().WithMessage("*: entry backbone/net.onnx declares 20000 bytes, over the 10000-byte limit");
    }
}
