using System.Diagnostics;
using System.Text.Json;
using MaskTrainer.Detect.Cli;
using MaskTrainer.Imaging;
using MaskTrainer.Signals;
using MaskTrainer.Tests.Imaging;
using MaskTrainer.Tests.Pipeline;

namespace MaskTrainer.Tests.Detect;

/// <summary>The app with and without a display. In the bridge's window collection: DISPLAY is process-wide.</summary>
[Collection(HighGuiCollection.Name)]
public sealed class WindowAppTests(TrainedModelFixture fixture) : IClassFixture<TrainedModelFixture>
{
    /// <summary>The app in-process on faces-dlib's three-face photo, --json, as the display variables now are.</summary>
    private async Task<(int Code, StringWriter Stdout, StringWriter Stderr)> RunOnThreeFaces()
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        var code = await DetectCommand.InvokeAsync(
            ["--model", fixture.Run!.ModelPath, "--models-dir", SharedData.Full("models"), "--image", SharedData.Full("data/faces-dlib/images/2008_002506.jpg"), "--json"],
            stdout, stderr);
        return (code, stdout, stderr);
    }

    [SharedFact("data/mask-sample", "models")]
    public async Task Without_a_display_it_runs_headless_with_a_one_line_note()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // other systems always have a desktop
        }

        using var env = new NativeEnvironment().Set("DISPLAY", null).Set("WAYLAND_DISPLAY", null);
        var (code, stdout, stderr) = await RunOnThreeFaces();

        code.Should().Be(ExitCodes.Ok, stderr.ToString());
        stderr.ToString().Split('\n')[0].Should().Be("note: no display (DISPLAY is not set): running without a window; pass --no-window to silence this");
        using var frame = JsonDocument.Parse(stdout.ToString().Split('\n')[0]);
        frame.RootElement.GetProperty("faces").GetArrayLength().Should().Be(3);
    }

    [SharedFact("data/mask-sample", "models")]
    public async Task With_a_display_set_that_does_not_answer_it_runs_headless_with_a_one_line_note()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var unused = Enumerable.Range(4900, 50).First(n => !File.Exists($"/tmp/.X11-unix/X{n}"));
        using var env = new NativeEnvironment().Set("DISPLAY", $":{unused}").Set("WAYLAND_DISPLAY", null);
        var (code, stdout, stderr) = await RunOnThreeFaces();

        code.Should().Be(ExitCodes.Ok, stderr.ToString());
        stderr.ToString().Split('\n')[0].Should().Be($"note: the display cannot be reached (DISPLAY=:{unused}): running without a window; pass --no-window to silence this");
        using var frame = JsonDocument.Parse(stdout.ToString().Split('\n')[0]);
        frame.RootElement.GetProperty("faces").GetArrayLength().Should().Be(3);
    }

    [XvfbFact("data/mask-sample", "models")]
    public async Task Losing_the_display_mid_recording_keeps_the_video_playable_and_says_so_in_one_line()
    {
        // The real process: Xlib ends it when the display goes. Its own Xvfb, killed mid-run.
        using var temp = new TempFolder();
        var output = temp.File("lost.mp4");
        using var xvfb = Process.Start(new ProcessStartInfo("Xvfb", ["-displayfd", "1", "-screen", "0", "800x600x24", "-nolisten", "tcp"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var display = ":" + (await xvfb.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(15)))!.Trim();
        using var app = DetectProcess.Start(
            ["--model", fixture.Run!.ModelPath, "--models-dir", SharedData.Full("models"), "--video", SharedData.Full("data/videos/Gituatu_mask.mp4"), "--loop", "--json", "--output", output],
            configure: info =>
            {
                info.Environment["DISPLAY"] = display;
                info.Environment.Remove("WAYLAND_DISPLAY");
            });
        var stderr = app.StandardError.ReadToEndAsync();
        bool ended;
        int printed = 0;
        try
        {
            // Frames counted, not seconds waited: a loaded machine may run a few frames a second.
            // A frame's JSON line is printed just before it is written and shown.
            while (printed < 15 && await app.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(120)) is { } line)
            {
                printed += line.StartsWith("{\"frame\":", StringComparison.Ordinal) ? 1 : 0;
            }

            xvfb.Kill();
            ended = app.WaitForExit(TimeSpan.FromSeconds(60));
        }
        finally
        {
            if (!app.HasExited)
            {
                app.Kill(entireProcessTree: true);
            }

            if (!xvfb.HasExited)
            {
                xvfb.Kill();
            }
        }

        var errors = await stderr;
        ended.Should().BeTrue("the app ends when its display goes");
        app.ExitCode.Should().Be(ExitCodes.DisplayLost, errors);
        errors.TrimEnd('\n').Split('\n')[^1].Should().MatchRegex(
            $@"^error: the display was lost \(DISPLAY={display}\); the recording up to frame [1-9][0-9]* was kept in {System.Text.RegularExpressions.Regex.Escape(output)}$");
        await app.StandardOutput.ReadToEndAsync();
        printed.Should().Be(15, errors);
        using (var capture = VideoIo.OpenFile(output))
        {
            capture.FrameCount.Should().BeGreaterThanOrEqualTo(14, "the frames recorded until then are in a finished, playable file");
        }

        Directory.GetFiles(temp.Path, ".lost.*").Should().BeEmpty("the unfinished file was finished and renamed into place");
    }

    [ScreenshotFact("data/mask-sample")]
    public async Task Under_Xvfb_the_window_shows_the_annotated_video_until_stopped()
    {
        var xvfb = XvfbServer.Shared!;
        using var env = new NativeEnvironment().Set("DISPLAY", xvfb.Display).Set("WAYLAND_DISPLAY", null);
        using var cancel = new CancellationTokenSource();
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        var run = DetectCommand.InvokeAsync(
            ["--model", fixture.Run!.ModelPath, "--models-dir", SharedData.Full("models"), "--video", SharedData.Full("data/videos/Gituatu_mask.mp4"), "--loop"],
            stdout, stderr, cancel.Token);

        // Boxes are pure green or red (one face, 2 px outline, label bar): look for them on screen.
        int boxPixels = 0;
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < TimeSpan.FromSeconds(60) && !run.IsCompleted)
        {
            await Task.Delay(300);
            using var screen = Screenshot.Capture(xvfb.Display);
            boxPixels = Math.Max(Screenshot.CountColour(screen, 0, 255, 0, 20), Screenshot.CountColour(screen, 0, 0, 255, 20));
            if (boxPixels > 400)
            {
                break;
            }
        }

        cancel.Cancel();
        var code = await run.WaitAsync(TimeSpan.FromSeconds(30));

        boxPixels.Should().BeGreaterThan(400, "the annotated frames are shown in the window");
        code.Should().Be(ExitCodes.Interrupted, stderr.ToString());
        stderr.ToString().Should().NotContain("note: no display");
        stdout.ToString().Should().Contain(" frames, ").And.Contain("FPS");

        using var after = Screenshot.Capture(xvfb.Display);
        Math.Max(Screenshot.CountColour(after, 0, 255, 0, 20), Screenshot.CountColour(after, 0, 0, 255, 20)).Should().BeLessThan(100, "the window closes with the app");
    }

    [ScreenshotFact("data/mask-sample")]
    public async Task Ctrl_C_while_an_image_is_held_in_its_window_exits_as_interrupted()
    {
        var xvfb = XvfbServer.Shared!;
        using var env = new NativeEnvironment().Set("DISPLAY", xvfb.Display).Set("WAYLAND_DISPLAY", null);
        using var cancel = new CancellationTokenSource();
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        var shared = TextWriter.Synchronized(stdout); // the sink thread writes while this one reads
        var run = DetectCommand.InvokeAsync(
            ["--model", fixture.Run!.ModelPath, "--models-dir", SharedData.Full("models"), "--image", SharedData.Full("data/faces-dlib/images/2008_002506.jpg"), "--json"],
            shared, stderr, cancel.Token);

        // The frame's JSON line comes before the window is held open for a key; then the window is on screen.
        var sw = Stopwatch.StartNew();
        bool shown = false;
        while (sw.Elapsed < TimeSpan.FromSeconds(60) && !run.IsCompleted && !shown)
        {
            await Task.Delay(200);
            string text;
            lock (shared)
            {
                text = stdout.ToString();
            }

            if (text.Contains("\"frame\":0"))
            {
                using var screen = Screenshot.Capture(xvfb.Display);
                shown = Math.Max(Screenshot.CountColour(screen, 0, 255, 0, 20), Screenshot.CountColour(screen, 0, 0, 255, 20)) > 400;
            }
        }

        shown.Should().BeTrue("the annotated image is held in its window");
        run.IsCompleted.Should().BeFalse("an image's window stays until a key or Ctrl+C");
        cancel.Cancel();
        var code = await run.WaitAsync(TimeSpan.FromSeconds(30));

        code.Should().Be(ExitCodes.Interrupted, stderr.ToString());
        stdout.ToString().Should().Contain("\"stopReason\":\"interrupted\"");
    }

    [XvfbFact("data/mask-sample", "models")]
    public async Task A_held_image_window_stopped_as_timeout_does_prints_the_summary_and_exits_130_every_time()
    {
        // timeout(1) sends SIGTERM to the app, then to its process group: the app gets it twice at
        // once. That counted as a second Ctrl+C: the app quit at once without a summary, from the
        // signal's thread, whose exit handlers closed OpenCV's GTK window while the held window
        // waited in waitKey on the window thread (SIGSEGV, "free(): corrupted unsorted chunks",
        // "Can't destroy non-registered window"); half the runs crashed, none printed the summary.
        for (int run = 0; run < 4; run++)
        {
            var (code, stdout, stderr) = await StopHeldImage(TimeSpan.FromMilliseconds(100 * run));
            code.Should().Be(ExitCodes.Interrupted, $"run {run}: {stderr}");
            stdout.Should().Contain("\"stopReason\":\"interrupted\"", $"run {run}: {stderr}");
            stderr.Should().Contain("interrupted after 1 frame", $"run {run}");
        }
    }

    [XvfbFact("data/mask-sample", "models")]
    public async Task A_real_second_signal_while_the_stop_is_busy_quits_at_once_without_a_crash()
    {
        // A looping video in a window whose JSON lines nobody reads: once the pipe is full the app's
        // write blocks, so the first signal's stop cannot finish (it writes the frames already
        // classified and the summary), and a signal a second later is a real second one that finds
        // the app still at work. It quits from the window's thread while that thread is free.
        var display = XvfbServer.Shared!.Display;
        using var app = DetectProcess.Start(
            ["--model", fixture.Run!.ModelPath, "--models-dir", SharedData.Full("models"), "--video", SharedData.Full("data/videos/Gituatu_mask.mp4"), "--loop", "--json"],
            configure: info =>
            {
                info.Environment["DISPLAY"] = display;
                info.Environment.Remove("WAYLAND_DISPLAY");
            });
        var stderr = app.StandardError.ReadToEndAsync();
        try
        {
            // A page instead of 64 KiB: full after a dozen frames, not hundreds (only speed depends on it).
            var pipe = (System.IO.Pipes.PipeStream)app.StandardOutput.BaseStream;
            Posix.SetPipeCapacity(pipe.SafePipeHandle.DangerousGetHandle(), 4096);
            var sw = Stopwatch.StartNew();
            while (!BlockedWritingToAPipe(app.Id))
            {
                app.HasExited.Should().BeFalse(await ErrorsSoFar(app, stderr));
                sw.Elapsed.Should().BeLessThan(TimeSpan.FromMinutes(2), "the app fills its stdout pipe with frames");
                await Task.Delay(100);
            }

            DetectProcess.Signal(app, Posix.SigTerm, times: 2); // the stop, as timeout(1) sends it
            await Task.Delay(InterruptSignal.RepeatWindow * 2);
            app.HasExited.Should().BeFalse("the stop waits for its JSON lines to be read");
            DetectProcess.Signal(app, Posix.SigTerm); // the real second signal: quit at once

            // Not reading stdout yet: the app must end though its writes still block.
            app.WaitForExit(TimeSpan.FromSeconds(30)).Should().BeTrue("a second signal quits at once");
            var stdout = await app.StandardOutput.ReadToEndAsync();
            var errors = await stderr;
            app.ExitCode.Should().Be(ExitCodes.Interrupted, $"130 as a quit, not 139 (SIGSEGV) or another crash: {errors}");
            stdout.Should().Contain("{\"frame\":0,").And.NotContain("\"summary\"", "a quit prints no summary");
            // No "stopping ..." either: .NET's console writes to stderr wait for the blocked one to stdout.
            errors.Should().NotContain("interrupted after", "a quit prints no summary")
                .And.NotContain("free()").And.NotContain("corrupted").And.NotContain("non-registered window");
        }
        finally
        {
            if (!app.HasExited)
            {
                app.Kill(entireProcessTree: true);
            }
        }
    }

    // Whether a thread of the process sleeps in a write to a full pipe (its wchan: pipe_write, or
    // anon_pipe_write on newer kernels).
    private static bool BlockedWritingToAPipe(int pid)
    {
        foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(task, "wchan")).EndsWith("pipe_write", StringComparison.Ordinal))
                {
                    return true;
                }
            }
            catch (IOException)
            {
                // The thread ended while being looked at.
            }
        }

        return false;
    }

    private static async Task<string> ErrorsSoFar(Process app, Task<string> stderr) =>
        app.HasExited ? await stderr : "";

    // Runs --image with a window under Xvfb, sends SIGTERM twice at once after the frame's JSON line
    // and the delay; the exit code, stdout and stderr.
    private async Task<(int Code, string Stdout, string Stderr)> StopHeldImage(TimeSpan delay)
    {
        var display = XvfbServer.Shared!.Display;
        using var app = DetectProcess.Start(
            ["--model", fixture.Run!.ModelPath, "--models-dir", SharedData.Full("models"), "--image", SharedData.Full("data/faces-dlib/images/2008_002506.jpg"), "--json"],
            configure: info =>
            {
                info.Environment["DISPLAY"] = display;
                info.Environment.Remove("WAYLAND_DISPLAY");
            });
        var stderr = app.StandardError.ReadToEndAsync();
        try
        {
            // The frame's line comes just before it is shown; the delay lets the window be held.
            var first = await app.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
            first.Should().StartWith("{\"frame\":0,", "the photo's line comes before it is shown");
            await Task.Delay(delay);
            DetectProcess.Signal(app, Posix.SigTerm, times: 2);

            var rest = await app.StandardOutput.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(60));
            app.WaitForExit(TimeSpan.FromSeconds(30)).Should().BeTrue("the app ends on SIGTERM");
            return (app.ExitCode, first + "\n" + rest, await stderr);
        }
        finally
        {
            if (!app.HasExited)
            {
                app.Kill(entireProcessTree: true);
            }
        }
    }
}
