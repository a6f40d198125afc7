using MaskTrainer.Detect.Pipeline;
using MaskTrainer.Detect.Rendering;
using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Detect.Output;

/// <summary>
/// The app's last stage: draws the overlay, then writes the JSON line, the output file and the
/// window, whichever were asked for. Owns (and disposes) the video and the window; the JSON
/// writer stays with the caller, which writes the summary line after the run.
/// </summary>
public sealed class DetectorSink : IFrameSink
{
    private readonly OverlayRenderer _renderer;
    private readonly JsonFrameWriter? _json;
    private readonly VideoFileOutput? _video;
    private readonly string? _imagePath;
    private readonly WindowDisplay? _window;
    private readonly bool _holdWindow;
    private readonly string? _jsonPath;

    // False once the user quit: the frames still in flight are written, no longer shown.
    private bool _showing = true;

    // The input's number of the frame last written to the video (-1 before the first).
    private long _lastIndex = -1;

    // With repeatLastFrame: a copy of the frame last written to the video, written again for the
    // input frames dropped after it (null otherwise; its buffer is reused from frame to frame).
    private readonly Mat? _lastFrame;

    // Asked every few frames whether the JSON lines' reader went away (null: never).
    private readonly Func<bool>? _readerGone;
    private int _sinceReaderCheck;

    /// <param name="renderer">Draws the results into each frame.</param>
    /// <param name="json">--json lines, or null.</param>
    /// <param name="video">--output video, or null.</param>
    /// <param name="imagePath">--output image (for --image input), or null.</param>
    /// <param name="window">The preview window, or null when headless.</param>
    /// <param name="holdWindow">Keep the window open after the last frame until a key (for --image).</param>
    /// <param name="jsonPath">For --images: the input file, written as the JSON line's <c>path</c>.</param>
    /// <param name="readerGone">True once nothing reads the JSON lines (<see cref="Reporting.GuardedWriter.NobodyReads"/>: its reader went away, or it cannot be written): the run then stops as if the user quit.</param>
    /// <param name="repeatLastFrame">Live input (a camera, --realtime), whose frames the pipeline drops when behind, also after the
    /// last frame processed: the video keeps a copy of each frame written, to write it again for the frames dropped after it
    /// (one copy a frame, into the same buffer).</param>
    public DetectorSink(OverlayRenderer renderer, JsonFrameWriter? json = null, VideoFileOutput? video = null,
        string? imagePath = null, WindowDisplay? window = null, bool holdWindow = false, string? jsonPath = null, Func<bool>? readerGone = null,
        bool repeatLastFrame = false)
    {
        _lastFrame = repeatLastFrame && video is not null ? new Mat() : null;
        _readerGone = readerGone;
        _jsonPath = jsonPath;
        _renderer = renderer ?? throw new ArgumentNullException(nameof(renderer));
        _json = json;
        _video = video;
        _imagePath = imagePath;
        _window = window;
        _holdWindow = holdWindow;
        if (window is not null)
        {
            window.KeepOnDisplayLost = KeepOnDisplayLost;
        }
    }

    // True once Complete finished the video (it is in place); true once Dispose closed it (finished or deleted).
    private bool _videoCommitted;
    private bool _videoClosed;
    private bool _imageWritten;

    /// <summary>
    /// The display went away inside a window call (the process ends after this): finishes the
    /// video so the frames so far stay playable and in place; what was kept, or null. The window
    /// calls are made by the thread that writes the video (Write, Complete), after each write,
    /// or by Dispose after the video was closed: the video is never being written meanwhile.
    /// </summary>
    private string? KeepOnDisplayLost()
    {
        if (_video is not null)
        {
            if (!_videoCommitted && !_videoClosed)
            {
                _video.Commit();
                _videoCommitted = true;
            }

            return _videoCommitted && _video.FramesWritten > 0 ? $"the recording up to frame {_lastIndex} was kept in {_video.Path}" : null;
        }

        return _imageWritten ? $"the annotated image was written to {_imagePath}" : null;
    }

    public bool Write(FramePacket packet, double fps)
    {
        ArgumentNullException.ThrowIfNull(packet);
        _json?.WriteFrame(packet, _jsonPath);
        if (_readerGone is not null && ++_sinceReaderCheck >= ReaderCheckInterval)
        {
            _sinceReaderCheck = 0;
            ReaderGone = _readerGone();
        }
        _renderer.Draw(packet, fps);
        if (_video is not null)
        {
            // Live input drops frames (the loop was behind); a video holding only the frames kept
            // would play faster than the scene happened. Each frame is written once for every input
            // frame it stands for, as a window shows it until the next: the file keeps real time.
            // At most a second's worth: each write is an encode, on the machine that is already behind,
            // and a stall (a laptop waking) must not freeze the sink for its length.
            long repeats = _lastIndex < 0 ? 1 : Math.Clamp(packet.Index - _lastIndex, 1, MaxRepeats);
            _lastIndex = packet.Index;
            // The last frame kept (live input) stands for the frames dropped after it, as on screen;
            // before the first, or without (a file read whole, which drops none), this frame does.
            bool previous = _lastFrame is not null && !_lastFrame.Empty();
            for (long i = 1; i < repeats; i++)
            {
                _video.Write(previous ? _lastFrame! : packet.Frame);
            }

            _video.Write(packet.Frame);

            if (_lastFrame is not null)
            {
                packet.Frame.CopyTo(_lastFrame);
            }
        }
        if (_imagePath is not null)
        {
            try
            {
                ImageCodec.Write(_imagePath, packet.Frame);
                _imageWritten = true;
            }
            catch (ImageWriteException e)
            {
                // The JSON line is out and the window shows the frame: the run goes on, the error is said after the summary.
                ImageWriteError = e;
                OutputError ??= e.Message;
            }
        }

        if (_window is not null && _showing)
        {
            _showing = _window.Show(packet.Frame);
        }

        return _showing && !ReaderGone;
    }

    /// <summary>Frames between the checks of whether the JSON lines' reader went away.</summary>
    public const int ReaderCheckInterval = 8;

    /// <summary>True once the JSON lines' reader was found gone; the run stopped then.</summary>
    public bool ReaderGone { get; private set; }

    /// <summary>
    /// Why the output file (the video, or --image's annotated image) could not be written, one line naming
    /// the file; null when it was (or none was asked for). The frames were all handled (JSON lines, window):
    /// the run ends normally, with its summary, and the app then reports this and exits 1.
    /// </summary>
    public string? OutputError { get; private set; }

    /// <summary>Why the annotated image (<c>imagePath</c>) could not be written; null when it was, or none was asked for.</summary>
    public ImageWriteException? ImageWriteError { get; private set; }

    // At most a second's worth of repeats of one frame (see Write).
    private long MaxRepeats => Math.Max(1, (long)Math.Ceiling(_video!.Fps));

    public bool Complete(bool userQuit, long inputEnd, CancellationToken cancel)
    {
        if (_video is not null)
        {
            try
            {
                // Input frames dropped after the last one processed (a --realtime file's last frames, or
                // those before --max-frames' stop): the last frame stands for them, as a window shows it.
                if (_lastFrame is not null && _lastIndex >= 0 && inputEnd > _lastIndex + 1 && !_lastFrame.Empty())
                {
                    for (long i = Math.Min(inputEnd - _lastIndex - 1, MaxRepeats); i > 0; i--)
                    {
                        _video.Write(_lastFrame);
                    }

                    _lastIndex = inputEnd - 1;
                }

                _video.Commit(); // the run ended (input over, the user quit, or Ctrl+C): the file is whole
                _videoCommitted = true;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                OutputError ??= e.Message;
            }
        }

        return _holdWindow && !userQuit && _window is not null && _window.Hold(cancel);
    }

    public void Dispose()
    {
        _videoClosed = true;
        _video?.Dispose();
        _lastFrame?.Dispose();
        _window?.Dispose();
    }
}
