namespace MaskTrainer.Reporting;

/// <summary>
/// The apps' stdout and stderr, each a <see cref="GuardedWriter"/>: the one rule for a standard
/// stream that cannot be written. <see cref="Install"/> is the first thing each app's Main does,
/// <see cref="Conclude"/> the last.
/// A failing stderr (<c>2&gt;/dev/full</c>, <c>2&gt;&amp;-</c>) only loses the log: the work, its files and
/// its exit code are as they would have been.
/// A failing stdout (<c>&gt;/dev/full</c>, <c>&gt;&amp;-</c>) loses what was to be printed there, which for
/// some commands is the product (evaluate --json, predict, the detector's JSON lines): the work goes
/// on as far as it has a use (training saves its model; a command whose output is its only product
/// stops, as when nothing reads it, see <see cref="GuardedWriter.NobodyReads"/>), and the run ends
/// with <c>error: stdout: &lt;problem&gt;</c> on stderr and exit code 1.
/// </summary>
public static class StandardStreams
{
    /// <summary>The guarded stdout, once <see cref="Install"/> ran; null before (a library's caller).</summary>
    public static GuardedWriter? Out { get; private set; }

    /// <summary>The guarded stderr, once <see cref="Install"/> ran; null before.</summary>
    public static GuardedWriter? Error { get; private set; }

    /// <summary>
    /// Puts guards around <see cref="Console.Out"/> and <see cref="Console.Error"/> as they are now
    /// (the process's streams, or a test's writers) and makes them the console's.
    /// </summary>
    /// <returns>The guards: pass these, not Console.Out, to code that asks whether stdout still has a reader.</returns>
    public static (GuardedWriter Out, GuardedWriter Error) Install()
    {
        var stdout = new GuardedWriter("stdout", () => Console.Out, isStdout: true);
        var stderr = new GuardedWriter("stderr", () => Console.Error);
        Out = stdout;
        Error = stderr;
        Console.SetOut(stdout);
        Console.SetError(stderr);
        return (stdout, stderr);
    }

    /// <summary>
    /// The end of a command that returned <paramref name="code"/>: a stdout that failed, and that the
    /// command did not report itself, is one line on stderr, and makes a success <paramref name="failure"/>.
    /// </summary>
    public static int Conclude(int code, int failure)
    {
        if (Out is not { Problem: { } problem, ProblemReported: false } stdout)
        {
            return code;
        }

        stdout.ProblemReported = true;
        // A success is said as one: a training's model was saved, only its log is short.
        Error?.WriteLine(code == 0
            ? $"error: stdout: {problem}: the output from then on is lost (the command itself succeeded)"
            : $"error: stdout: {problem}: the output from then on is lost");
        return code == 0 ? failure : code;
    }
}
