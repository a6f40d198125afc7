using System.Text;

namespace MaskTrainer.Reporting;

/// <summary>
/// A standard stream (stdout or stderr) whose failures do not stop the work: a full disk
/// (<c>2&gt;/dev/full</c>), a closed descriptor (<c>2&gt;&amp;-</c>), an I/O error. The first failed write is
/// kept as <see cref="Problem"/> and it and every later write are dropped, so a log that cannot be
/// written never ends a training or a recording (it did: the write's exception ended the command,
/// and reporting it on the same failed stderr threw again, unhandled, and aborted the process).
/// What a failure means for the command's result (its exit code) is the app's to decide, from
/// <see cref="Problem"/>: see <see cref="StandardStreams"/>. Writes are serialised (the detector
/// writes JSON lines from its sink thread and notes from others); they allocate nothing of their own.
/// </summary>
public sealed class GuardedWriter : TextWriter
{
    private readonly Lock _gate = new();
    private readonly TextWriter? _inner;

    private readonly bool _isStdout;

    /// <param name="name">The stream's name in messages: "stdout", "stderr".</param>
    /// <param name="open">Gives the stream to write to. It may fail (.NET's Console.Out does on a closed descriptor): the stream is then failed from the start.</param>
    /// <param name="isStdout">It writes to the process's stdout, whose reader <see cref="NobodyReads"/> asks about (<see cref="StdoutReader"/>).</param>
    public GuardedWriter(string name, Func<TextWriter> open, bool isStdout = false)
    {
        ArgumentNullException.ThrowIfNull(open);
        Name = name ?? throw new ArgumentNullException(nameof(name));
        _isStdout = isStdout;
        try
        {
            _inner = open();
        }
        catch (Exception e) when (IsWriteFailure(e))
        {
            Problem = Describe(e);
        }
    }

    /// <summary>The stream's name in messages: "stdout", "stderr".</summary>
    public string Name { get; }

    /// <summary>Why the stream stopped taking writes ("No space left on device"), one line; null while it takes them.</summary>
    public string? Problem { get; private set; }

    /// <summary>True once a write failed: later ones are dropped.</summary>
    public bool Failed => Problem is not null;

    /// <summary>
    /// True once what is written here reaches nobody: a write failed, or (the process's stdout) the
    /// pipe's reader went away (<c>| head -1</c>), which .NET does not report as a failure. A poll(2)
    /// of about a microsecond: asked before each image, or every few frames.
    /// </summary>
    public bool NobodyReads => Failed || (_isStdout && StdoutReader.Gone());

    /// <summary>Set by whoever reported <see cref="Problem"/> to the user, so that it is said once.</summary>
    public bool ProblemReported { get; set; }

    public override Encoding Encoding => _inner?.Encoding ?? Encoding.UTF8;

    public override IFormatProvider FormatProvider => _inner?.FormatProvider ?? base.FormatProvider;

    [System.Diagnostics.CodeAnalysis.AllowNull]
    public override string NewLine
    {
        get => _inner?.NewLine ?? base.NewLine;
        set
        {
            base.NewLine = value;
            _inner?.NewLine = value;
        }
    }

    /// <summary>The errors a write to a standard stream fails with: EIO, ENOSPC, EPIPE (Windows), EBADF (as UnauthorizedAccessException).</summary>
    public static bool IsWriteFailure(Exception e) => e is IOException or UnauthorizedAccessException;

    public override void Write(char value) => Guarded(value, static (w, v) => w.Write(v));

    public override void Write(char[] buffer, int index, int count) =>
        Guarded((buffer, index, count), static (w, b) => w.Write(b.buffer, b.index, b.count));

    public override void Write(ReadOnlySpan<char> buffer) => Guarded(buffer, static (w, b) => w.Write(b));

    public override void Write(string? value) => Guarded(value, static (w, v) => w.Write(v));

    // A line in one write to the stream (the base class writes the text, then the newline).
    public override void WriteLine(string? value) => Guarded(value, static (w, v) => w.WriteLine(v));

    public override void WriteLine(ReadOnlySpan<char> buffer) => Guarded(buffer, static (w, b) => w.WriteLine(b));

    public override void Flush() => Guarded(0, static (w, _) => w.Flush());

    /// <summary>
    /// Every write: serialised, dropped once a write failed, and the first failure kept. The static
    /// lambdas are cached delegates and the state is passed by value (spans too), so nothing is allocated.
    /// </summary>
    private void Guarded<TState>(TState state, Action<TextWriter, TState> write)
        where TState : allows ref struct
    {
        lock (_gate)
        {
            if (Problem is null)
            {
                try
                {
                    write(_inner!, state);
                }
                catch (Exception e) when (IsWriteFailure(e))
                {
                    Problem = Describe(e);
                }
            }
        }
    }

    // The stream is the process's (or a test's): not ours to close.
    protected override void Dispose(bool disposing) => Flush();

    /// <summary>
    /// One line for a failed write. .NET reports a closed descriptor (EBADF) as "Access to the path
    /// is denied", which names nothing a user of a stream can act on.
    /// </summary>
    private static string Describe(Exception e) => e is UnauthorizedAccessException
        ? "closed, or not open for writing"
        : e.Message.ReplaceLineEndings(" ").Trim();
}
