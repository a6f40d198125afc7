using MaskTrainer.Reporting;

namespace MaskTrainer.Tests.Reporting;

/// <summary>A standard stream that cannot be written loses its text, never the work (<see cref="GuardedWriter"/>).</summary>
public sealed class GuardedWriterTests
{
    [Fact]
    public void The_first_failed_write_is_kept_and_every_later_write_is_dropped()
    {
        var full = new FullWriter(12);
        var guarded = new GuardedWriter("stderr", () => full);

        guarded.WriteLine("first line");
        (guarded.Problem, guarded.NobodyReads).Should().Be(((string?)null, false), "a writer that is not the process's stdout has no reader to lose");
        guarded.WriteLine("second line, which does not fit");
        guarded.Write('x');
        guarded.Write("more".AsSpan());
        guarded.Flush();

        (guarded.Failed, guarded.Problem, guarded.NobodyReads).Should().Be((true, "No space left on device", true));
        full.ToString().Should().Be("first line" + Environment.NewLine);
        full.Attempts.Should().Be(2, "nothing is tried after the first failure");
    }

    [Fact]
    public void A_stream_that_cannot_even_be_opened_is_failed_from_the_start()
    {
        // .NET's Console.Out on a closed descriptor (`>&-`) throws "Access to the path is denied".
        var guarded = new GuardedWriter("stdout", () => throw new UnauthorizedAccessException("Access to the path is denied."));

        guarded.WriteLine("lost");

        (guarded.Problem, guarded.NobodyReads).Should().Be(("closed, or not open for writing", true));
    }
}
