using System.Diagnostics;
using MaskTrainer.Model;

namespace MaskTrainer.Tests.Training;

/// <summary>
/// A run's model, metrics.json and report go in place together (<see cref="OutputCommit"/>): real
/// files, real locks (another process's flock(1) too), no mocks.
/// </summary>
public sealed class OutputCommitTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("h2-commit-").FullName;

    private OutputLayout Layout => OutputLayout.For(Path.Combine(_folder, MaskModel.DefaultFileName));

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Two_runs_committing_at_once_leave_the_three_files_of_one_of_them()
    {
        // A probe: two trainings into one -o at once both exited 0, one's model beside the other's metrics.
        var layout = Layout;
        using var stop = new CancellationTokenSource();
        var mixed = new List<string>();
        // Under the lock, as a run would see them: each state between two commits is one run's files.
        var reader = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                FileStream held;
                try
                {
                    held = new FileStream(OutputCommit.LockPathFor(layout.ModelPath), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                }
                catch (IOException)
                {
                    continue; // a commit holds it
                }

                using (held)
                {
                    var tags = Tags(layout);
                    if (tags.Distinct().Count() != 1)
                    {
                        mixed.Add(string.Join(" | ", tags));
                    }
                }

                Thread.Sleep(1);
            }
        });
        for (int round = 0; round < 40; round++)
        {
            using var start = new Barrier(2);
            var runs = new[] { "A", "B" }.Select(run => Task.Run(() =>
            {
                string tag = $"{run}{round}";
                using var model = AtomicFile.Prepare(layout.ModelPath, Bytes(tag));
                using var metrics = AtomicFile.Prepare(layout.MetricsPath, Bytes(tag));
                using var report = AtomicFile.Prepare(layout.ReportPath, Bytes(tag));
                start.SignalAndWait();
                OutputCommit.Commit(layout, model, metrics, report);
            })).ToArray();
            await Task.WhenAll(runs);

            var after = Tags(layout);
            after.Distinct().Should().ContainSingle($"round {round} left {string.Join(", ", after)}");
        }

        await stop.CancelAsync();
        await reader;
        mixed.Should().BeEmpty();
        Directory.GetFiles(_folder, "*.tmp-*", SearchOption.AllDirectories).Should().BeEmpty();
    }

    [FlockFact]
    public async Task A_commit_waits_while_another_process_holds_the_lock()
    {
        var layout = Layout;
        var lockPath = OutputCommit.LockPathFor(layout.ModelPath);
        lockPath.Should().Be(Path.Combine(_folder, ".mask_model.zip.lock"));
        Commit(layout, "old");
        // flock(1) takes the lock .NET's FileShare.None takes: the other process is a running training's renames.
        string ready = Path.Combine(_folder, "h2-holding"), release = Path.Combine(_folder, "h2-release");
        // It holds the lock until the test lets it go: no race with a loaded machine's timing.
        using var holder = Process.Start(new ProcessStartInfo("/usr/bin/flock", ["-x", lockPath, "sh", "-c", $"touch '{ready}'; while [ ! -e '{release}' ]; do sleep 0.05; done"]))!;
        var clock = Stopwatch.StartNew();
        while (!File.Exists(ready))
        {
            clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(20), "flock(1) should have taken the lock");
            await Task.Delay(10);
        }

        var infos = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var commit = Task.Run(() => Commit(layout, "new", infos.Enqueue));
        clock.Restart();
        while (infos.IsEmpty)
        {
            clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(30), "a commit waiting over a second says so");
            await Task.Delay(20);
        }

        commit.IsCompleted.Should().BeFalse("the other process holds the lock");
        Tags(layout).Should().Equal("old", "old", "old");
        File.WriteAllText(release, "");

        await commit.WaitAsync(TimeSpan.FromSeconds(30));
        await holder.WaitForExitAsync();
        Tags(layout).Should().Equal("new", "new", "new");
        infos.Should().ContainSingle().Which.Should().Be($"Waiting for another run to finish putting its model in {_folder} ({lockPath} is locked)");
    }

    [Fact]
    public void A_lock_held_past_the_wait_is_one_line_and_nothing_is_replaced()
    {
        var layout = Layout;
        Commit(layout, "old");
        var lockPath = OutputCommit.LockPathFor(layout.ModelPath);
        using var other = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        using var model = AtomicFile.Prepare(layout.ModelPath, Bytes("new"));
        using var metrics = AtomicFile.Prepare(layout.MetricsPath, Bytes("new"));

        var act = () => OutputCommit.Commit(layout, model, metrics, null, wait: TimeSpan.FromMilliseconds(200));

        act.Should().Throw<IOException>().WithMessage(
            $"{lockPath}: another process has held this lock for over 0 s (a run writing into the same folder, stopped?); nothing was replaced");
        Tags(layout).Should().Equal("old", "old", "old");
    }

    [Fact]
    public void A_model_that_cannot_be_put_in_place_leaves_no_metrics_or_report_describing_another_model()
    {
        // The old metrics.json and report go before the model is renamed: stopped in between, the folder
        // holds files missing, never the old model beside new metrics (or the new model beside old ones).
        var layout = Layout;
        File.WriteAllBytes(layout.MetricsPath, Bytes("old"));
        Directory.CreateDirectory(layout.ReportFolder);
        File.WriteAllBytes(layout.ReportPath, Bytes("old"));
        Directory.CreateDirectory(layout.ModelPath);
        File.WriteAllText(Path.Combine(layout.ModelPath, "h2-keep.txt"), "a folder where the model goes"); // the rename fails
        using var model = AtomicFile.Prepare(layout.ModelPath, Bytes("new"));
        using var metrics = AtomicFile.Prepare(layout.MetricsPath, Bytes("new"));
        using var report = AtomicFile.Prepare(layout.ReportPath, Bytes("new"));

        var act = () => OutputCommit.Commit(layout, model, metrics, report);

        act.Should().Throw<ModelFileException>().WithMessage(
            $"{layout.ModelPath}: the model could not be saved: *; a model there before is left as it was, without the metrics.json and report that described it");
        File.Exists(layout.MetricsPath).Should().BeFalse();
        File.Exists(layout.ReportPath).Should().BeFalse();
        model.Dispose();
        metrics.Dispose();
        report.Dispose();
        Directory.GetFiles(_folder, "*.tmp-*", SearchOption.AllDirectories).Should().BeEmpty("uncommitted temp files are deleted");
    }

    [Fact]
    public void A_commit_deletes_the_temp_files_a_killed_run_left_of_its_outputs_not_a_running_ones()
    {
        var layout = Layout;
        Commit(layout, "old");
        int dead = DeadProcess.Id();
        string tag = AtomicFile.MachineTag;
        var left = new[] { layout.ModelPath, layout.MetricsPath, layout.ReportPath }
            .Select(p => $"{p}.tmp-{tag}-{dead}-0123456789ab").ToArray();
        var running = $"{layout.ModelPath}.tmp-{tag}-{Environment.ProcessId}-0123456789ab"; // prepared, waiting for the lock
        foreach (var file in left.Append(running))
        {
            File.WriteAllBytes(file, new byte[1000]);
            File.SetLastWriteTimeUtc(file, DateTime.UtcNow - AtomicFile.DeadWriterAge - TimeSpan.FromMinutes(1)); // a dead writer's file goes once this old
        }

        Commit(layout, "new");

        left.Should().OnlyContain(f => !File.Exists(f));
        File.Exists(running).Should().BeTrue();
        Tags(layout).Should().Equal("new", "new", "new");
    }

    private static void Commit(OutputLayout layout, string tag, Action<string>? info = null)
    {
        using var model = AtomicFile.Prepare(layout.ModelPath, Bytes(tag));
        using var metrics = AtomicFile.Prepare(layout.MetricsPath, Bytes(tag));
        using var report = AtomicFile.Prepare(layout.ReportPath, Bytes(tag));
        OutputCommit.Commit(layout, model, metrics, report, info);
    }

    private static byte[] Bytes(string tag) => System.Text.Encoding.UTF8.GetBytes(tag);

    /// <summary>The tags of model, metrics.json and report ("-" for a missing one).</summary>
    private static string[] Tags(OutputLayout layout) =>
        [Read(layout.ModelPath), Read(layout.MetricsPath), Read(layout.ReportPath)];

    private static string Read(string path) => File.Exists(path) ? File.ReadAllText(path) : "-";
}
