using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MaskTrainer.Onnx;

/// <summary>
/// ONNX Runtime's telemetry is off in every process that loads MaskTrainer.Core (training,
/// detector, bench, tests): the one place where that is decided. ORT 1.32's 1DS telemetry starts
/// when its environment is created (the first session, ours or ML.NET's) and then writes a
/// persistent device id and an event queue under <c>$XDG_CACHE_HOME/Microsoft/DeveloperTools/.onnxruntime/</c>,
/// also offline. OrtEnv.DisableTelemetryEvents comes too late for that: it needs the
/// environment, whose creation has already written both files (measured). What stops it is
/// <c>ORT_DISABLE_TELEMETRY=1</c> in the native environment before the environment is created.
/// </summary>
internal static partial class OrtTelemetry
{
    /// <summary>The variable ORT's native code reads when it creates its environment.</summary>
    public const string DisableVariable = "ORT_DISABLE_TELEMETRY";

    /// <summary>
    /// Runs when the assembly is loaded, so before any of its code can create a session; cheap
    /// (no native ORT load on Linux), so `--help` and `models list` pay nothing for it.
    /// </summary>
    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255:The 'ModuleInitializer' attribute should not be used in libraries",
        Justification = "Every session, also ML.NET's, is created after this assembly loads; an explicit call in each entry point could be forgotten in one.")]
    internal static void TurnOff()
    {
        // A module initializer that throws breaks every type of the assembly: telemetry is not worth that.
        try
        {
            // .NET's copy of the environment, so the processes we start (tests run ML.NET-only
            // programs) inherit the choice; on Windows it is the process environment ORT reads.
            Environment.SetEnvironmentVariable(DisableVariable, "1");
            if (!OperatingSystem.IsWindows())
            {
                // ...and the C library's, which on Linux and macOS .NET does not update and ORT reads.
                // Set as the assembly loads, before our code starts threads that could read the environment.
                _ = SetEnv(DisableVariable, "1", 1);
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // No C library setenv: ORT's telemetry then follows its own default.
        }
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);
}
