using System.Runtime.InteropServices;

namespace MaskTrainer.Tests.Imaging;

/// <summary>
/// What native code (OpenCV's log, GTK) writes to file descriptor 2 while an action runs: the
/// descriptor is pointed at a temporary file for that time. Console.Error is not involved.
/// </summary>
internal static partial class NativeStderr
{
    private static readonly Lock Gate = new();

    public static string Capture(Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        var path = Path.Combine(Path.GetTempPath(), $"mt-stderr-{Guid.NewGuid():N}.txt");
        lock (Gate)
        {
            using (var file = File.Create(path))
            {
                int saved = dup(2);
                if (saved < 0 || dup2((int)file.SafeFileHandle.DangerousGetHandle(), 2) < 0)
                {
                    throw new InvalidOperationException("could not redirect file descriptor 2");
                }

                try
                {
                    action();
                }
                finally
                {
                    dup2(saved, 2);
                    close(saved);
                }
            }

            try
            {
                return File.ReadAllText(path);
            }
            finally
            {
                File.Delete(path);
            }
        }
    }

    [LibraryImport("libc")]
    private static partial int dup(int fd);

    [LibraryImport("libc")]
    private static partial int dup2(int fd, int fd2);

    [LibraryImport("libc")]
    private static partial int close(int fd);
}
