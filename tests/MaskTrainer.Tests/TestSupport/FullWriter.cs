namespace MaskTrainer.Tests.TestSupport;

/// <summary>A writer whose disk is full after <c>capacity</c> characters: each write that does not fit throws, as a stream on a full disk does.</summary>
internal sealed class FullWriter(int capacity) : StringWriter
{
    /// <summary>How many writes were tried, the failed ones included.</summary>
    public int Attempts { get; private set; }

    public override void Write(char value) => Write([value], 0, 1);

    public override void Write(char[] buffer, int index, int count) => Add(new string(buffer, index, count));

    public override void Write(ReadOnlySpan<char> buffer) => Add(new string(buffer));

    public override void Write(string? value) => Add(value ?? "");

    public override void WriteLine(string? value) => Add(value + NewLine);

    public override void WriteLine(ReadOnlySpan<char> buffer) => Add(new string(buffer) + NewLine);

    private void Add(string text)
    {
        Attempts++;
        if (GetStringBuilder().Length + text.Length > capacity)
        {
            throw new IOException("No space left on device");
        }

        GetStringBuilder().Append(text);
    }
}
