namespace MaskTrainer.Reporting;

/// <summary>
/// The apps' stdout and stderr, each a <see cref="GuardedWriter"/>: the one rule for a standard
/// stream that cannot be written. <see cref="Install"/> is the first thing each app's Main does.
/// A failing stderr (<c>2&gt;/dev/full</c>, <c>2&gt;&amp;-</c>) only loses the log: the work, its files and
/// its exit code are as they would have been.
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
    public static void Install()
    {
        Out = new GuardedWriter("stdout", () => Console.Out);
        Error = new GuardedWriter("stderr", () => Console.Error);
        Console.SetOut(Out);
        Console.SetError(Error);
    }
}
