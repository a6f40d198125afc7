namespace MaskTrainer.Detect.Cli;

/// <summary>The process exit codes (documented in docs/detector.md).</summary>
public static class ExitCodes
{
    /// <summary>The input ended, or the user quit with q / Esc / closing the window.</summary>
    public const int Ok = 0;

    /// <summary>A missing or unreadable input, model or output; a camera that cannot be opened; a stdout that cannot be written (full, closed).</summary>
    public const int Error = 1;

    /// <summary>Invalid command line.</summary>
    public const int Usage = 2;

    /// <summary>The camera stopped delivering frames and did not come back (outputs were closed properly).</summary>
    public const int CameraLost = 3;

    /// <summary>
    /// The window's display went away mid-run (the X server ended, an SSH connection dropped): the
    /// recording up to then was finished and kept, and the app ended at once (Xlib allows no more).
    /// </summary>
    public const int DisplayLost = 4;

    /// <summary>Stopped by Ctrl+C or SIGTERM (outputs were closed properly): 128 + SIGINT, as shells report it.</summary>
    public const int Interrupted = 130;

    /// <summary>Stopped because nothing reads stdout any more (<c>--json | head</c>; outputs were closed properly): 128 + SIGPIPE, as shells report a program a closed pipe ended.</summary>
    public const int OutputClosed = Reporting.OutputGone.ExitCode;
}
