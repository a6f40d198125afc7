namespace MaskTrainer.Detect.Pipeline;

/// <summary>The last step of the frame loop: draws, writes, shows and reports finished frames. Called from one thread.</summary>
public interface IFrameSink : IDisposable
{
    /// <summary>Handles one finished frame; returns false when the user asked to quit (q, Esc, window closed).</summary>
    /// <param name="packet">The frame and its results; valid only during the call.</param>
    /// <param name="fps">The recent frame rate, for the overlay.</param>
    bool Write(FramePacket packet, double fps);

    /// <summary>
    /// Called once after the last frame of a run that did not fail (the input ended, the user quit,
    /// or Ctrl+C), before the summary: finishes the output files, keeps an image's window open until a key is pressed.
    /// </summary>
    /// <param name="inputEnd">When the input ended or --max-frames was reached: the number of the input frame after
    /// the run's last one (every frame before it was processed or dropped, so dropped frames after the last one
    /// processed stand for time too); -1 when the run stopped otherwise (the user quit, Ctrl+C, a lost camera).</param>
    /// <returns>True when <paramref name="cancel"/> ended a wait for the user (an image's window held open): the run was interrupted there.</returns>
    bool Complete(bool userQuit, long inputEnd, CancellationToken cancel);
}
