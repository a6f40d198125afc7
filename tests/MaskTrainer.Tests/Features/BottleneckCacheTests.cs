using MaskTrainer.Features;


using TempFolder = MaskTrainer.Tests.Model.ZipTempFolder;

namespace MaskTrainer.Tests.Features;

public sealed class BottleneckCacheTests : IDisposable
{
    private const string Hash = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    private readonly TempFolder _workspace = new();

    private static FeatureKey Key(int augment = 0, string backbone = "bb", string crop = FeatureKey.NoFaceCrop, string? aug = "aug") =>
        new(backbone, crop, aug, Hash, augment);

    [Fact]
    public void Writes_then_reads_back_values_and_tag()
    {
        var cache = new BottleneckCache(_workspace.Path);
        float[] values = [1.5f, -2f, float.Epsilon, 1e30f, 0f];

        cache.Write(Key(), values, tag: 7);
        var read = new float[5];

        cache.TryRead(Key(), read, out int tag).Should().BeTrue();
        read.Should().Equal(values);
        tag.Should().Be(7);
    }

    [Fact]
    public void A_cache_cleared_under_a_running_job_is_made_again_on_the_next_write()
    {
        var cache = new BottleneckCache(_workspace.Path);
        cache.Write(Key(), [1f]);
        Directory.Delete(_workspace.Path, recursive: true);

        cache.Write(Key(), [2f, 3f]);

        var read = new float[2];
        cache.TryRead(Key(), read).Should().BeTrue();
        read.Should().Equal(2f, 3f);
        Directory.GetFiles(_workspace.Path, "*.tmp*", SearchOption.AllDirectories).Should().BeEmpty();
    }

    [Fact]
    public void Absent_entries_and_other_keys_are_misses()
    {
        var cache = new BottleneckCache(_workspace.Path);
        cache.Write(Key(), [1f, 2f]);
        var read = new float[2];

        cache.TryRead(Key(backbone: "other"), read).Should().BeFalse();
        cache.TryRead(Key(crop: "face:res10"), read).Should().BeFalse();
        cache.TryRead(Key(augment: 1), read).Should().BeFalse();
        cache.TryRead(Key() with { ContentHash = "ff" }, read).Should().BeFalse();
    }

    [Fact]
    public void Layout_is_workspace_features_backbone_crop_then_aug_folder_for_copies()
    {
        var cache = new BottleneckCache(_workspace.Path);
        cache.Write(Key(), [1f]);
        cache.Write(Key(augment: 2), [2f]);

        string crop = Path.Combine(_workspace.Path, "features", BottleneckCache.Digest("bb"), BottleneckCache.Digest(FeatureKey.NoFaceCrop));
        cache.GetPath(Key()).Should().Be(Path.Combine(crop, Hash + ".0.f32"));
        cache.GetPath(Key(augment: 2)).Should().Be(Path.Combine(crop, "aug-" + BottleneckCache.Digest("aug"), Hash + ".2.f32"));
        File.Exists(cache.GetPath(Key(augment: 2))).Should().BeTrue();
        File.ReadAllText(Path.Combine(crop, "key.txt")).Should().Be(FeatureKey.NoFaceCrop + "\n");
        Directory.GetFiles(_workspace.Path, "*.tmp*", SearchOption.AllDirectories).Should().BeEmpty();
    }

    [Fact]
    public void The_original_image_row_ignores_the_augmentation_key()
    {
        var cache = new BottleneckCache(_workspace.Path);
        cache.Write(Key(aug: "a1"), [3f]);
        var read = new float[1];

        cache.TryRead(Key(aug: "a2"), read).Should().BeTrue();
        cache.TryRead(Key(aug: null), read).Should().BeTrue();
    }

    [Fact]
    public void Truncated_corrupt_and_wrong_size_entries_are_misses_and_get_overwritten()
    {
        var cache = new BottleneckCache(_workspace.Path);
        float[] values = [1f, 2f, 3f, 4f];
        cache.Write(Key(), values);
        string path = cache.GetPath(Key());
        var good = File.ReadAllBytes(path);
        var read = new float[4];

        cache.TryRead(Key(), new float[3]).Should().BeFalse("the entry holds 4 values");
        File.WriteAllBytes(path, good[..^1]);
        cache.TryRead(Key(), read).Should().BeFalse("truncated");
        File.WriteAllBytes(path, []);
        cache.TryRead(Key(), read).Should().BeFalse("empty");
        var flipped = (byte[])good.Clone();
        flipped[^3] ^= 0x10;
        File.WriteAllBytes(path, flipped);
        cache.TryRead(Key(), read).Should().BeFalse("a payload bit changed");
        var badMagic = (byte[])good.Clone();
        badMagic[0] = (byte)'X';
        File.WriteAllBytes(path, badMagic);
        cache.TryRead(Key(), read).Should().BeFalse("not our header");

        cache.Write(Key(), values);
        cache.TryRead(Key(), read).Should().BeTrue();
        read.Should().Equal(values);
    }

    [Fact]
    public void A_flipped_bit_in_the_header_is_a_miss_the_face_found_tag_included()
    {
        // The checksum covered the floats only: a flipped face-found tag (bytes 8..) was read back,
        // and training reported "faces found in 59" of 60.
        var cache = new BottleneckCache(_workspace.Path);
        cache.Write(Key(), [1f, 2f], tag: 1);
        string path = cache.GetPath(Key());
        var good = File.ReadAllBytes(path);
        var read = new float[2];

        for (int i = 8; i < 16; i++)
        {
            var flipped = (byte[])good.Clone();
            flipped[i] ^= 0x01;
            File.WriteAllBytes(path, flipped);
            cache.TryRead(Key(), read, out _).Should().BeFalse($"header byte {i} changed");
        }

        File.WriteAllBytes(path, good);
        cache.TryRead(Key(), read, out int tag).Should().BeTrue();
        tag.Should().Be(1);
    }

    [Fact]
    public void An_entry_of_the_earlier_format_is_a_miss_and_is_replaced_by_the_next_write()
    {
        // Format 1 ("MTF1"): the same layout, its checksum over the floats only. Its tags could not be trusted.
        var cache = new BottleneckCache(_workspace.Path);
        float[] values = [1f, 2f];
        cache.Write(Key(), values, tag: 1);
        string path = cache.GetPath(Key());
        var old = File.ReadAllBytes(path);
        "MTF1"u8.CopyTo(old);
        ulong h = 14695981039346656037UL ^ 8UL;
        foreach (var w in System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ulong>(old.AsSpan(24)))
        {
            h = (h ^ w) * 1099511628211UL;
        }

        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(old.AsSpan(16), h);
        File.WriteAllBytes(path, old);
        var read = new float[2];

        cache.TryRead(Key(), read).Should().BeFalse("an entry of format 1 is recomputed");
        cache.Write(Key(), values, tag: 1);
        cache.TryRead(Key(), read, out int tag).Should().BeTrue();
        (read, tag).Should().BeEquivalentTo((values, 1));
    }

    [Fact]
    public void A_folder_in_place_of_an_entry_is_replaced_when_empty_and_otherwise_said_once_not_thrown()
    {
        // A probe: `mkdir` in place of an entry stopped training with "error: Is a directory ...".
        var warnings = new List<string>();
        var cache = new BottleneckCache(_workspace.Path, warnings.Add);
        float[] values = [1f, 2f];
        cache.Write(Key(), values).Should().BeTrue();
        string path = cache.GetPath(Key());
        File.Delete(path);
        Directory.CreateDirectory(path);
        var read = new float[2];

        cache.TryRead(Key(), read).Should().BeFalse("a folder is no entry");
        cache.Write(Key(), values).Should().BeTrue("an empty folder is damage, replaced like a truncated entry");
        cache.TryRead(Key(), read).Should().BeTrue();
        read.Should().Equal(values);
        warnings.Should().BeEmpty();

        File.Delete(path);
        Directory.CreateDirectory(path);
        File.WriteAllText(Path.Combine(path, "h2-note.txt"), "someone's file");
        cache.Write(Key(), values).Should().BeFalse();
        cache.Write(Key(), values).Should().BeFalse();
        cache.Write(Key(augment: 1), values).Should().BeTrue("other entries are written as before");

        warnings.Should().ContainSingle().Which.Should().Be(
            $"feature cache: {path} could not be written (a folder with files in it is in its place); this run uses the features it computes without caching them (said once)");
        File.ReadAllText(Path.Combine(path, "h2-note.txt")).Should().Be("someone's file", "a folder with files in it is not ours to delete");
        cache.TryRead(Key(), read).Should().BeFalse();
        Directory.GetFiles(_workspace.Path, "*.tmp*", SearchOption.AllDirectories).Should().BeEmpty();
    }

    [Fact]
    public void A_key_file_or_folder_that_cannot_be_made_is_said_once_and_its_entries_are_misses()
    {
        var warnings = new List<string>();
        var cache = new BottleneckCache(_workspace.Path, warnings.Add);
        string blocked = Path.Combine(_workspace.Path, "features", BottleneckCache.Digest("bb"));
        Directory.CreateDirectory(Path.GetDirectoryName(blocked)!);
        File.WriteAllText(blocked, "a file where the backbone's folder goes");
        var read = new float[1];

        cache.TryRead(Key(), read).Should().BeFalse();
        cache.Write(Key(), [1f]).Should().BeFalse();

        warnings.Should().ContainSingle().Which.Should().StartWith($"feature cache: {Path.Combine(blocked, "key.txt")} could not be written ('{blocked}' is a file, not a folder); ");
    }

    [Fact]
    public void Temp_files_a_killed_run_left_in_a_cache_folder_go_when_a_cache_first_uses_it_and_a_running_ones_stay()
    {
        var first = new BottleneckCache(_workspace.Path);
        first.Write(Key(), [1f]);
        string folder = Path.GetDirectoryName(first.GetPath(Key()))!;
        string left = $"{first.GetPath(Key())}.tmp-{MaskTrainer.Model.AtomicFile.MachineTag}-{DeadProcess.Id()}-0123456789ab";
        string running = $"{first.GetPath(Key())}.tmp-{MaskTrainer.Model.AtomicFile.MachineTag}-{Environment.ProcessId}-0123456789ab";
        File.WriteAllBytes(left, [1]);
        File.WriteAllBytes(running, [1]);
        var aged = DateTime.UtcNow - MaskTrainer.Model.AtomicFile.DeadWriterAge - TimeSpan.FromMinutes(1); // a dead writer's file goes once this old
        File.SetLastWriteTimeUtc(left, aged);
        File.SetLastWriteTimeUtc(running, aged);

        var read = new float[1];
        new BottleneckCache(_workspace.Path).TryRead(Key(), read).Should().BeTrue();

        File.Exists(left).Should().BeFalse("its process is gone: no one will finish it");
        File.Exists(running).Should().BeTrue("another run sharing the workspace may be writing it");
        Directory.GetFiles(folder).Should().HaveCount(3, "the entry, key.txt and the running write's temp file");
        File.Delete(running);
    }

    [Fact]
    public void Keys_that_could_escape_the_folder_or_lack_an_augmentation_key_are_refused()
    {
        var cache = new BottleneckCache(_workspace.Path);

        FluentActions.Invoking(() => cache.GetPath(Key() with { ContentHash = "../x" }))
            .Should().Throw<ArgumentException>().WithMessage("content hash '../x' must be*");
        FluentActions.Invoking(() => cache.GetPath(Key(augment: 1, aug: null)))
            .Should().Throw<ArgumentException>().WithMessage("augmented copy 1 needs an augmentation key*");
    }

    [Fact]
    public void Concurrent_writers_of_one_key_leave_one_valid_entry()
    {
        var cache = new BottleneckCache(_workspace.Path);
        var values = Enumerable.Range(0, 256).Select(i => (float)i).ToArray();

        Parallel.For(0, 32, _ => cache.Write(Key(), values));

        var read = new float[256];
        cache.TryRead(Key(), read).Should().BeTrue();
        read.Should().Equal(values);
        Directory.GetFiles(_workspace.Path, "*.tmp*", SearchOption.AllDirectories).Should().BeEmpty();
    }

    public void Dispose() => _workspace.Dispose();
}
