using System.Diagnostics;

namespace MaskTrainer.Tests.TestSupport;

/// <summary>
/// A small tmpfs mounted on a new folder, for the write errors a permission cannot give: a
/// read-only file system (root ignores modes) or a full disk. Needs Linux, root and mount(8);
/// <see cref="TryCreate"/> gives null elsewhere and the test returns early, as the named-pipe ones do.
/// </summary>
internal sealed class TmpfsMount : IDisposable
{
    private TmpfsMount(string path) => Path = path;

    /// <summary>The mounted folder.</summary>
    public string Path { get; }

    /// <summary>Mounts a tmpfs of <paramref name="size"/> (mount's syntax, e.g. "64k") at a new folder <paramref name="path"/>; null when it cannot.</summary>
    public static TmpfsMount? TryCreate(string path, string size, bool readOnly)
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
        {
            return null;
        }

        Directory.CreateDirectory(path);
        return Run("mount", "-t", "tmpfs", "-o", $"{(readOnly ? "ro" : "rw")},size={size}", "none", path) ? new TmpfsMount(path) : null;
    }

    /// <summary>Makes the mounted file system read-only, or writable again, keeping its files (a checkout built, then mounted read-only).</summary>
    public bool Remount(bool readOnly) => Run("mount", "-o", $"remount,{(readOnly ? "ro" : "rw")}", Path);

    public void Dispose() => Run("umount", Path);

    private static bool Run(string program, params string[] args)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(program, args) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            process.WaitForExit();
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
