using MaskTrainer.Model;

namespace MaskTrainer.Tests.Model;

/// <summary>Temp files say which process wrote them, and those of processes that are gone are deleted.</summary>
public sealed class AtomicFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("h2-atomic-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void A_temp_file_is_named_after_its_target_machine_and_process()
    {
        var path = Path.Combine(_folder, "m.zip");

        using var pending = AtomicFile.Prepare(path, [1, 2, 3]);

        var temp = Path.GetFileName(Directory.GetFiles(_folder).Should().ContainSingle().Which);
        temp.Should().MatchRegex($"^m\\.zip\\.tmp-{AtomicFile.MachineTag}-{Environment.ProcessId}-[0-9a-f]{{12}}$");
        AtomicFile.IsStale(Path.Combine(_folder, temp)).Should().BeFalse("this process is writing it");
        pending.Commit();
        Directory.GetFiles(_folder).Select(Path.GetFileName).Should().Equal("m.zip");
    }

    [Fact]
    public void A_path_that_names_a_link_is_written_through_the_link()
    {
        // A probe: -o current.zip, a link to runs/7/model.zip, replaced the link with a file and left runs/7/model.zip old.
        var runs = Directory.CreateDirectory(Path.Combine(_folder, "runs")).FullName;
        var target = Path.Combine(runs, "model.zip");
        File.WriteAllBytes(target, [9]);
        var link = Path.Combine(_folder, "current.zip");
        File.CreateSymbolicLink(link, Path.Combine("runs", "model.zip"));
        var dangling = Path.Combine(_folder, "next.zip");
        File.CreateSymbolicLink(dangling, Path.Combine("runs", "next.zip"));

        AtomicFile.Write(link, [1, 2, 3]);
        using (var pending = AtomicFile.Prepare(dangling, [4]))
        {
            pending.Path.Should().Be(Path.Combine(runs, "next.zip"));
            pending.Commit();
        }

        new FileInfo(link).LinkTarget.Should().Be(Path.Combine("runs", "model.zip"), "the link stays a link");
        File.ReadAllBytes(target).Should().Equal(1, 2, 3);
        new FileInfo(dangling).LinkTarget.Should().NotBeNull();
        File.ReadAllBytes(Path.Combine(runs, "next.zip")).Should().Equal(4);
        Directory.GetFiles(runs).Select(Path.GetFileName).Should().BeEquivalentTo(["model.zip", "next.zip"], "no temp file is left");
    }

    [Fact]
    public void Temp_files_of_ended_processes_are_deleted_and_those_of_running_ones_kept()
    {
        // A probe: kill -9 during the save left m.zip.tmp-267a3250871e (up to 12 MB), and no later run removed it.
        int dead = DeadProcess.Id();
        string ours = AtomicFile.MachineTag;
        string otherMachine = (ours[0] == '0' ? "1" : "0") + ours[1..];
        var old = DateTime.UtcNow - AtomicFile.StaleAge - TimeSpan.FromMinutes(5);
        var files = new Dictionary<string, bool> // name → deleted
        {
            [$"m.zip.tmp-{ours}-{dead}-aaaaaaaaaaaa"] = true, // its process is gone
            [$"m.zip.tmp-{ours}-{Environment.ProcessId}-bbbbbbbbbbbb"] = false, // this process may still rename it
            [$"m.zip.tmp-{otherMachine}-{dead}-cccccccccccc"] = false, // another machine's: only its age tells
            ["m.zip.tmp-267a3250871e"] = false, // an earlier version's name: likewise
            ["m.zip"] = false,
            [$"other.zip.tmp-{ours}-{dead}-dddddddddddd"] = false, // not m.zip's
        };
        var aged = DateTime.UtcNow - AtomicFile.DeadWriterAge - TimeSpan.FromMinutes(1); // past a dead writer's wait, under StaleAge
        foreach (var name in files.Keys)
        {
            File.WriteAllBytes(Path.Combine(_folder, name), [1]);
            File.SetLastWriteTimeUtc(Path.Combine(_folder, name), aged);
        }

        // A dead writer's file written lately may be a live process's of another PID namespace with this host name: kept.
        var recent = $"m.zip.tmp-{ours}-{dead}-ffffffffffff";
        File.WriteAllBytes(Path.Combine(_folder, recent), [1]);
        files[recent] = false;

        foreach (var name in new[] { $"m.zip.tmp-{otherMachine}-{dead}-eeeeeeeeeeee", "m.zip.tmp-0123456789ab" })
        {
            var path = Path.Combine(_folder, name);
            File.WriteAllBytes(path, [1]);
            File.SetLastWriteTimeUtc(path, old); // no write takes an hour
            files[name] = true;
        }

        AtomicFile.DeleteStale(Path.Combine(_folder, "m.zip")).Should().Be(3);

        Directory.GetFiles(_folder).Select(Path.GetFileName).Order(StringComparer.Ordinal)
            .Should().Equal(files.Where(f => !f.Value).Select(f => f.Key).Order(StringComparer.Ordinal));

        AtomicFile.DeleteStaleIn(_folder).Should().Be(1, "a folder's sweep takes every file's");
        File.Exists(Path.Combine(_folder, $"other.zip.tmp-{ours}-{dead}-dddddddddddd")).Should().BeFalse();
    }
}
