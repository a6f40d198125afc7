using MaskTrainer.Reporting;

namespace MaskTrainer.Tests.Reporting;

/// <summary>A standard stream that cannot be written loses its text, never the work (<see cref="GuardedWriter"/>).</summary>
public sealed class GuardedWriterTests
{
    [Fact]
    public void The_first_failed_write_is_kept_and_every_later_write_is_dropped()
    {
        var full = new FullAfter(12);
        var guarded = new GuardedWriter("stderr", () => full);

        guarded.WriteLine("first line");
        guarded.Problem.Should().BeNull();
        guarded.WriteLine("second line, which does not fit");
        guarded.Write('x');
        guarded.Write("more".AsSpan());
        guarded.Flush();

        (guarded.Failed, guarded.Problem).Should().Be((true, "No space left on device"));
        full.ToString().Should().Be("first line\n");
        full.Attempts.Should().Be(2, "nothing is tried after the first failure");
    }

    [Fact]
    public void A_stream_that_cannot_even_be_opened_is_failed_from_the_start()
    {
        // .NET's Console.Out on a closed descriptor (`>&-`) throws "Access to the path is denied".
        var guarded = new GuardedWriter("stdout", () => throw new UnauthorizedAccessException("Access to the path is denied."));

        guarded.WriteLine("lost");

        guarded.Problem.Should().Be("closed, or not open for writing");
    }

    /// <summary>A writer whose disk is full after <c>capacity</c> characters.</summary>
    private sealed class FullAfter(int capacity) : StringWriter
    {
        public int Attempts { get; private set; }

        public override void Write(char value) => Write([value], 0, 1);

        public override void Write(char[] buffer, int index, int count) => Add(new string(buffer, index, count));

        public override void Write(string? value) => Add(value ?? "");

        public override void WriteLine(string? value) => Add(value + NewLine);

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
}
