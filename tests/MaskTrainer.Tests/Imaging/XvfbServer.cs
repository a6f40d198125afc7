using System.Diagnostics;
using System.Runtime.InteropServices;

namespace MaskTrainer.Tests.Imaging;

/// <summary>
/// One Xvfb server per test process, started on first use and stopped when the process ends.
/// Qt binds to one X display for the life of the process and exits the process if that display
/// goes away while it processes events, so the server must outlive every window test: a shell
/// starts Xvfb, then waits on its stdin (our pipe) and kills Xvfb when that pipe closes, which
/// happens when the test process exits, however it exits.
/// </summary>
internal sealed class XvfbServer
{
    private static readonly Lazy<XvfbServer?> SharedServer = new(Start);

    private readonly Process _shell;

    private XvfbServer(Process shell, string display)
    {
        _shell = shell;
        Display = display;
    }

    /// <summary>The running server, or null when Xvfb is not installed.</summary>
    public static XvfbServer? Shared => SharedServer.Value;

    public static bool IsInstalled => OperatingSystem.IsLinux() && FindOnPath("Xvfb") is not null;

    /// <summary>The DISPLAY value, e.g. ":93".</summary>
    public string Display { get; }

    private static XvfbServer? Start()
    {
        var xvfb = IsInstalled ? FindOnPath("Xvfb") : null;
        if (xvfb is null)
        {
            return null;
        }

        // -displayfd makes Xvfb pick a free display itself and print its number on fd 3 (our stdout).
        var script = $"exec 2>/dev/null; '{xvfb}' -displayfd 3 -screen 0 800x600x24 -nolisten tcp 3>&1 >/dev/null & pid=$!; read _; kill $pid";
        var info = new ProcessStartInfo("/bin/sh", ["-c", script])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var shell = Process.Start(info) ?? throw new InvalidOperationException("could not start /bin/sh for Xvfb");
        var line = shell.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(15)).GetAwaiter().GetResult();
        if (string.IsNullOrWhiteSpace(line))
        {
            throw new InvalidOperationException("Xvfb started but did not report a display number");
        }

        return new XvfbServer(shell, ":" + line.Trim());
    }

    private static string? FindOnPath(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin").Split(':'))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}

/// <summary>
/// Changes the process environment as native code sees it (setenv), which is what Qt and the
/// shim's display check read: .NET's Environment.SetEnvironmentVariable does not reach it on
/// Unix. Restores the previous values on Dispose.
/// </summary>
internal sealed partial class NativeEnvironment : IDisposable
{
    private readonly Dictionary<string, string?> _saved = [];

    public NativeEnvironment Set(string name, string? value)
    {
        if (!_saved.ContainsKey(name))
        {
            _saved[name] = Get(name);
        }

        Apply(name, value);
        return this;
    }

    public void Dispose()
    {
        foreach (var (name, value) in _saved)
        {
            Apply(name, value);
        }
    }

    public static string? Get(string name) => Marshal.PtrToStringUTF8(getenv(name));

    private static void Apply(string name, string? value)
    {
        var status = value is null ? unsetenv(name) : setenv(name, value, 1);
        if (status != 0)
        {
            throw new InvalidOperationException($"could not change {name} in the native environment");
        }
    }

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int setenv(string name, string value, int overwrite);

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int unsetenv(string name);

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr getenv(string name);
}

/// <summary>Skips when Xvfb is not installed (Linux only), or a named path under ../shared is missing.</summary>
public sealed class XvfbFactAttribute : FactAttribute
{
    /// <param name="sharedData">Paths under ../shared the test also needs, e.g. "models".</param>
    public XvfbFactAttribute(params string[] sharedData)
    {
        if (sharedData.Length > 0 && SharedData.SkipReason(sharedData) is { } missing)
        {
            Skip = missing;
        }
        else if (!XvfbServer.IsInstalled)
        {
            Skip = "Xvfb is not installed (apt install xvfb); window tests need a virtual X display";
        }
    }
}
