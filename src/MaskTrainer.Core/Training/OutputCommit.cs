using System.Diagnostics;
using MaskTrainer.Data;
using MaskTrainer.Model;

namespace MaskTrainer;

/// <summary>
/// Puts a training run's outputs in place together: the model, metrics.json and the report, each
/// already written in full to its temp file (<see cref="AtomicFile.Prepare(string, Action{FileStream}, bool)"/>),
/// so that what is left to do takes microseconds. Three renames cannot be one atomic step; so that
/// the three files always describe one model:
/// <list type="bullet">
/// <item>The renames are made under a lock that only runs putting outputs in the same folder take
/// (<see cref="LockPathFor"/>, held for the renames alone): two runs into one <c>-o</c> at once
/// each put all of theirs in place, one after the other. Unlocked, their renames interleaved and
/// left one run's model beside the other's metrics, both runs exiting 0.</item>
/// <item>They are made in an order in which an interruption between two of them (kill -9, a power
/// cut) leaves files missing, never a file that describes another model than the one beside it:
/// (1) the old metrics.json and (2) the old report go first, each describing the model about to be
/// replaced; then (3) the model, (4) metrics.json and (5) the report are renamed in. Stopped after
/// 1 or 2: the old model with its report or alone; after 3: the new model alone; after 4: the new
/// model with its metrics. Renaming the model first left the new model with the old metrics; last,
/// the old model with the new ones.</item>
/// </list>
/// </summary>
internal static class OutputCommit
{
    /// <summary>How long a run waits for another one's renames (microseconds, unless that process is stopped).</summary>
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The lock file of the outputs of <paramref name="modelPath"/>: hidden, beside the model, kept
    /// after the run (deleting it would let a third run lock a new file while a second waits on the old one).
    /// </summary>
    public static string LockPathFor(string modelPath)
    {
        var full = Path.GetFullPath(modelPath);
        return Path.Combine(Path.GetDirectoryName(full)!, "." + Path.GetFileName(full) + ".lock");
    }

    /// <summary>
    /// Replaces the outputs of <paramref name="layout"/> with the prepared files, in the order and
    /// under the lock the class comment gives. Without a <paramref name="report"/> (--no-report) a
    /// report an earlier run wrote there is removed instead (<see cref="StaleReport"/>).
    /// </summary>
    /// <returns>Whether an earlier run's report was removed (only without <paramref name="report"/>).</returns>
    /// <exception cref="ModelFileException">The model could not be put in place (nothing of this run is).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while the lock was awaited (nothing was replaced).</exception>
    /// <exception cref="IOException">The lock could not be taken (nothing was replaced), an old file could not be
    /// removed (the model was not replaced), or metrics.json or the report could not be put in place beside the saved model.</exception>
    public static bool Commit(OutputLayout layout, AtomicFile.PendingFile model, AtomicFile.PendingFile metrics,
        AtomicFile.PendingFile? report, Action<string>? info = null, TimeSpan? wait = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(metrics);
        using var held = Acquire(LockPathFor(model.Path), wait ?? DefaultWait, info, cancellationToken);

        bool removedOld = Remove(metrics.Path); // the prepared files' paths: a link's target (AtomicFile.Prepare)
        bool staleReport = false;
        if (report is not null)
        {
            removedOld |= Remove(report.Path);
        }
        else
        {
            staleReport = StaleReport.Remove(layout.ReportPath);
            removedOld |= staleReport;
        }

        try
        {
            model.Commit();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var why = FilePaths.WhyNotWritten(e, Path.GetDirectoryName(model.Path)!);
            throw new ModelFileException(layout.ModelPath,
                $"the model could not be saved: {why}; a model there before is left as it was{(removedOld ? ", without the metrics.json and report that described it" : "")}", e);
        }

        PutBeside(metrics, layout.ModelPath);
        if (report is not null)
        {
            PutBeside(report, layout.ModelPath);
        }

        // Temp files a run killed mid-write left of these outputs (up to a model's size each): no
        // later run would ever finish them. Those of a run still writing are kept (AtomicFile.IsStale).
        AtomicFile.DeleteStale(model.Path);
        AtomicFile.DeleteStale(metrics.Path);
        AtomicFile.DeleteStale(report?.Path ?? layout.ReportPath);
        return staleReport;
    }

    /// <summary>
    /// Takes the lock on <paramref name="lockPath"/>, waiting while another process holds it. FileShare.None
    /// is flock(LOCK_EX) on Linux and macOS and an exclusive share mode on Windows: either ends with
    /// its process, even one killed, so a crash leaves no lock held.
    /// </summary>
    /// <exception cref="OperationCanceledException">Cancelled while waiting (Ctrl+C): nothing was replaced.</exception>
    private static FileStream Acquire(string lockPath, TimeSpan wait, Action<string>? info, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        bool told = false;
        while (true)
        {
            try
            {
                return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 1);
            }
            catch (IOException e) when (HeldByAnother(e) && clock.Elapsed < wait)
            {
                if (!told && clock.Elapsed > TimeSpan.FromSeconds(1))
                {
                    info?.Invoke($"Waiting for another run to finish putting its model in {Path.GetDirectoryName(lockPath)} ({lockPath} is locked)");
                    told = true;
                }

                // Nothing is replaced yet: a Ctrl+C while waiting stops the run as at any step before.
                cancellationToken.WaitHandle.WaitOne(20);
                cancellationToken.ThrowIfCancellationRequested();
            }
            catch (IOException e) when (HeldByAnother(e))
            {
                throw new IOException(
                    $"{lockPath}: another process has held this lock for over {wait.TotalSeconds:0} s (a run writing into the same folder, stopped?); nothing was replaced", e);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new IOException(
                    $"{lockPath}: cannot take the lock that keeps two runs from mixing their outputs: {FilePaths.WhyNotWritten(e, Path.GetDirectoryName(lockPath)!)}; nothing was replaced", e);
            }
        }
    }

    /// <summary>The lock is another open file's: EWOULDBLOCK from flock (Linux 11, macOS 35), or a Windows sharing or lock violation.</summary>
    private static bool HeldByAnother(IOException e) =>
        e.HResult is 11 or 35 or unchecked((int)0x80070020) or unchecked((int)0x80070021);

    /// <summary>Deletes an old output that describes the model about to be replaced; true when there was one.</summary>
    private static bool Remove(string path)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        try
        {
            File.Delete(path);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException(
                $"{path}: could not be removed to make way for the new one: {FilePaths.WhyNotWritten(e, Path.GetDirectoryName(Path.GetFullPath(path))!)}; the model there before is left as it was", e);
        }
    }

    private static void PutBeside(AtomicFile.PendingFile file, string modelPath)
    {
        try
        {
            file.Commit();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var why = FilePaths.WhyNotWritten(e, Path.GetDirectoryName(file.Path)!);
            throw new IOException($"{file.Path}: could not be written: {why} (the model {modelPath} was saved)", e);
        }
    }
}
