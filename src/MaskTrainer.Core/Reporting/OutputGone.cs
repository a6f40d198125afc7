namespace MaskTrainer.Reporting;

/// <summary>
/// The one report of a run that stopped because its stdout reaches nobody
/// (<see cref="GuardedWriter.NobodyReads"/>), for both apps (predict, the detector's JSON lines).
/// </summary>
public static class OutputGone
{
    /// <summary>Nothing reads stdout any more (<c>… | head -1</c>): 128 + SIGPIPE, as shells report a program a closed pipe ended.</summary>
    public const int ExitCode = 141;

    /// <summary>A stdout that cannot be written (full, closed): an error, not a reader that left.</summary>
    public const int FailedExitCode = 1;

    /// <summary>
    /// Writes the one line on <paramref name="stderr"/> and returns the exit code: a stdout that failed
    /// is <c>error: stdout: PROBLEM; stopped after N nouns</c> (exit 1, and its problem counts as
    /// reported, so <see cref="StandardStreams.Conclude"/> does not say it again); a pipe whose reader
    /// went away is <c>stopped after N nouns: nothing reads LINES any more (stdout was closed)</c>, exit 141.
    /// </summary>
    /// <param name="stdout">The stdout that stopped being read: a <see cref="GuardedWriter"/> tells whether it failed.</param>
    /// <param name="count">How many <paramref name="noun"/>s were handled before the stop.</param>
    /// <param name="lines">What stdout carried, e.g. "the results".</param>
    /// <param name="afterError">Said after the error line's count, e.g. " (outputs were closed)".</param>
    public static int Report(TextWriter stdout, TextWriter stderr, long count, string noun, string lines, string afterError = "")
    {
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        if (stdout is GuardedWriter { Problem: { } problem } guarded)
        {
            guarded.ProblemReported = true;
            // As every human line: the OS message is shown, its control characters not obeyed.
            stderr.WriteLine($"error: stdout: {HumanText.Escape(problem.Trim())}; stopped after {Plural.Of(count, noun)}{afterError}");
            return FailedExitCode;
        }

        stderr.WriteLine($"stopped after {Plural.Of(count, noun)}: nothing reads {lines} any more (stdout was closed)");
        return ExitCode;
    }
}
