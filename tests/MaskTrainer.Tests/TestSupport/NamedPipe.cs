using System.Runtime.InteropServices;

namespace MaskTrainer.Tests.TestSupport;

/// <summary>
/// A named pipe (FIFO) on disk, for tests of code that must never open one: opening it for
/// reading waits for a writer. <see cref="Within{T}"/> runs such code and, when it is stuck,
/// opens the pipe's write end so that it goes on, and fails the test instead of hanging the run.
/// </summary>
internal static partial class NamedPipe
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    /// <summary>Makes a named pipe at <paramref name="path"/> (mode 0644) and returns the path.</summary>
    public static string Create(string path)
    {
        if (mkfifo(path, Convert.ToUInt32("644", 8)) != 0)
        {
            throw new IOException($"{path}: mkfifo failed (errno {Marshal.GetLastPInvokeError()})");
        }

        return path;
    }

    /// <summary>The result of <paramref name="action"/>; a failed test if it is still running after 20 s (it opened <paramref name="pipe"/>).</summary>
    public static T Within<T>(string pipe, Func<T> action)
    {
        var run = Task.Run(action);
        if (run.Wait(Patience))
        {
            return run.Result;
        }

        // The reader that is waiting returns at once, and then reads an empty file.
        var release = Task.Run(() => new FileStream(pipe, FileMode.Open, FileAccess.Write).Dispose());
        release.Wait(TimeSpan.FromSeconds(5));
        string then;
        try
        {
            run.Wait(Patience);
            then = "then it went on";
        }
        catch (AggregateException e)
        {
            then = $"then it failed on the empty read: {e.InnerException?.Message}";
        }

        throw new Xunit.Sdk.XunitException($"still running after {Patience.TotalSeconds} s: it opened the named pipe {pipe} and waited for a writer ({then})");
    }

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int mkfifo(string pathname, uint mode);
}
