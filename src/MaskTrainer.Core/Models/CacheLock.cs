using System.Collections.Concurrent;

namespace MaskTrainer.Models;

/// <summary>
/// Exclusive right to create one cache file. In-process callers queue on a semaphore (no polling);
/// other processes are kept out by an exclusively opened lock file (.NET takes an advisory
/// <c>flock</c> for <see cref="FileShare.None"/> on Unix). Lock files are left in place: deleting
/// them would let two processes lock different inodes of the same name.
/// </summary>
internal sealed class CacheLock : IDisposable
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    private readonly SemaphoreSlim gate;
    private readonly FileStream file;

    private CacheLock(SemaphoreSlim gate, FileStream file)
    {
        this.gate = gate;
        this.file = file;
    }

    /// <summary>Waits until the lock at <paramref name="lockPath"/> is ours.</summary>
    public static async Task<CacheLock> AcquireAsync(string lockPath, CancellationToken ct)
    {
        string key = Path.GetFullPath(lockPath);
        var gate = Gates.GetOrAdd(key, static _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            return new CacheLock(gate, await OpenExclusiveAsync(key, ct).ConfigureAwait(false));
        }
        catch
        {
            gate.Release();
            throw;
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        file.Dispose();
        gate.Release();
    }

    private static async Task<FileStream> OpenExclusiveAsync(string path, CancellationToken ct)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                // Another process is downloading the same file; it will finish or die (releasing the lock).
                await Task.Delay(PollInterval, ct).ConfigureAwait(false);
            }
        }
    }
}
