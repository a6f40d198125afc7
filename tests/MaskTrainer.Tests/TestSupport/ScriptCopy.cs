using System.Diagnostics;
using System.Runtime.InteropServices;

namespace MaskTrainer.Tests.TestSupport;

/// <summary>
/// A copy of some of the repository's scripts in a temporary folder, whose <see cref="Root"/> is
/// then their repository, run with stand-ins first on PATH: a <c>dotnet</c> that reports a version,
/// "builds" by making the output folder (a publish by putting a .dll in it) and prints the command
/// line it was asked to run, and a <c>dpkg-query</c> that finds every package installed. What the
/// scripts decide shows in milliseconds; nothing is built or installed. Unix only (the stand-ins
/// are shell scripts); pwsh, a .NET global tool, is handed on to the real dotnet.
/// </summary>
internal sealed class ScriptCopy : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("h3-scripts-").FullName;

    /// <param name="scripts">Paths relative to the repository, e.g. "train.sh", "scripts/setup.sh".</param>
    public ScriptCopy(params string[] scripts)
    {
        Root = Path.Combine(_temp, "repo");
        _scripts = scripts;
        Populate();

        Bin = Path.Combine(_temp, "fake-bin");
        Directory.CreateDirectory(Bin);
        // FAKE_BUILD_HOLD=FILE: a build touches FILE.started, then waits until FILE exists (a build under way).
        Executable(Path.Combine(Bin, "dotnet"), """
            #!/bin/sh
            # Stand-in for the .NET SDK (see ScriptCopy).
            case "$1" in
              --version) echo 10.0.100 ;;
              build) if [ -n "${FAKE_BUILD_HOLD:-}" ]; then touch "$FAKE_BUILD_HOLD.started"; while [ ! -e "$FAKE_BUILD_HOLD" ]; do sleep 0.05; done; fi
                     mkdir -p "$(dirname "$2")/bin/$4" ;;
              publish) while [ $# -gt 0 ]; do if [ "$1" = -o ]; then mkdir -p "$2"; touch "$2/masktrainer-detect.dll"; fi; shift; done ;;
              */pwsh.dll) exec "$REAL_DOTNET" "$@" ;;
              *) echo "app $* in $PWD" ;;
            esac
            """);
        Executable(Path.Combine(Bin, "dpkg-query"), "#!/bin/sh\nprintf 'install ok installed'\n");
        Caller = Path.Combine(_temp, "caller");
        Directory.CreateDirectory(Caller);
    }

    private readonly string[] _scripts;

    /// <summary>Copies the scripts into <see cref="Root"/> (again, e.g. onto a file system mounted over it).</summary>
    public void Populate()
    {
        Directory.CreateDirectory(Path.Combine(Root, "scripts"));
        // The projects' files, empty: the set-up makes bin/ and obj/ beside each before a first build.
        foreach (var project in new[] { "MaskTrainer.Train", "MaskTrainer.Detect" })
        {
            Directory.CreateDirectory(Path.Combine(Root, "src", project));
            File.WriteAllText(Path.Combine(Root, "src", project, project + ".csproj"), "");
        }

        foreach (var script in _scripts)
        {
            File.Copy(Path.Combine(Pwsh.Repository, script), Path.Combine(Root, script), overwrite: true);
        }
    }

    /// <summary>The copy's repository.</summary>
    public string Root { get; }

    /// <summary>The stand-ins' folder, first on PATH.</summary>
    public string Bin { get; }

    /// <summary>The folder the scripts are started from.</summary>
    public string Caller { get; }

    /// <summary>A folder for the test's own files (links, markers), beside the copy.</summary>
    public string Scratch(string name)
    {
        var path = Path.Combine(_temp, name);
        Directory.CreateDirectory(path);
        return path;
    }

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    /// <summary>Starts <paramref name="program"/> in <see cref="Caller"/>, the stand-ins first on PATH, stdout and stderr redirected.</summary>
    public Process Start(string program, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Caller };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["PATH"] = Bin + Path.PathSeparator + info.Environment["PATH"];
        // pwsh's launcher runs `dotnet pwsh.dll` through PATH: the stand-in hands it to this one.
        info.Environment["REAL_DOTNET"] = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..", "dotnet"));
        info.Environment.Remove("MT_REBUILD");
        info.Environment.Remove("MT_PUBLISH_REQUIRED");
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        return Process.Start(info)!;
    }

    /// <summary><see cref="Start"/>, then waits for the end: the exit code and both outputs, the setup notes' colour codes removed.</summary>
    public (int Code, string Stdout, string Stderr) Run(string program, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        using var process = Start(program, args, environment);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(90)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not finish in 90 s");
        }

        return (process.ExitCode, stdout.Result, WithoutColour(stderr.Result));
    }

    /// <summary>mt_note dims "[setup]" (on a terminal and in a pipe alike): the text without it.</summary>
    public static string WithoutColour(string text) => text.Replace("\e[2m[setup]\e[0m", "[setup]", StringComparison.Ordinal);

    private static void Executable(string path, string text)
    {
        File.WriteAllText(path, text.ReplaceLineEndings("\n") + "\n");
        if (OperatingSystem.IsWindows())
        {
            return; // the tests return before running anything there
        }

        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);
    }
}
