namespace MaskTrainer.Detect.Stats;

/// <summary>Why a run ended.</summary>
public enum StopReason
{
    /// <summary>The video or image ended.</summary>
    EndOfInput,

    /// <summary>--max-frames was reached.</summary>
    MaxFrames,

    /// <summary>q or Esc was pressed, or the window was closed.</summary>
    UserQuit,

    /// <summary>Ctrl+C or SIGTERM.</summary>
    Interrupted,

    /// <summary>The camera stopped delivering frames and did not come back.</summary>
    CameraLost,

    /// <summary>Nothing reads the JSON lines on stdout any more (<c>--json | head</c>).</summary>
    OutputClosed,
}
