using MaskTrainer.Reporting;

namespace MaskTrainer.Tests.Reporting;

/// <summary>Both apps' one report of a stdout that reaches nobody (<see cref="OutputGone"/>).</summary>
public sealed class OutputGoneTests
{
    [Fact]
    public void A_failed_stdout_is_an_error_once_and_a_closed_pipe_is_exit_141()
    {
        var full = new GuardedWriter("stdout", () => new FullWriter(0));
        full.WriteLine("h4-lost");
        var stderr = new StringWriter();

        OutputGone.Report(full, stderr, 3, "image", "the results", afterError: " (outputs were closed)").Should().Be(1);
        stderr.ToString().Should().Be("error: stdout: No space left on device; stopped after 3 images (outputs were closed)" + Environment.NewLine);
        full.ProblemReported.Should().BeTrue("StandardStreams.Conclude must not say it again");

        stderr = new StringWriter();
        OutputGone.Report(new StringWriter(), stderr, 1, "frame", "the JSON lines").Should().Be(141);
        stderr.ToString().Should().Be("stopped after 1 frame: nothing reads the JSON lines any more (stdout was closed)" + Environment.NewLine);
    }
}
