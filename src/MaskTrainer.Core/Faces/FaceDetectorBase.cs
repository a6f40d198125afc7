using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Faces;

/// <summary>
/// What every detector shares: argument checks, the threshold defaulting, and one lock, because
/// OpenCV's Net (and the reused buffers) must not be used by two threads at once.
/// </summary>
public abstract class FaceDetectorBase : IFaceDetector
{
    private readonly object _gate = new();
    private bool _disposed;

    /// <summary>Sets the id and threshold; <paramref name="options"/>.MinConfidence overrides <paramref name="defaultMinConfidence"/>.</summary>
    protected FaceDetectorBase(string id, float defaultMinConfidence, FaceDetectorOptions? options)
    {
        Options = options ?? FaceDetectorOptions.Default;
        Options.Validate();
        Id = id;
        DefaultMinConfidence = Options.MinConfidence ?? defaultMinConfidence;
    }

    /// <inheritdoc />
    public string Id { get; }

    /// <inheritdoc />
    public float DefaultMinConfidence { get; }

    /// <summary>The options this detector was made with.</summary>
    public FaceDetectorOptions Options { get; }

    /// <inheritdoc />
    public IReadOnlyList<DetectedFace> Detect(Mat image, float? minConfidence = null)
    {
        ImageArgument.ThrowIfNullOrDisposed(image);
        if (image.IsEmpty)
        {
            throw new ArgumentException($"{Id}: cannot detect faces in an empty image", nameof(image));
        }

        if (image.Type() != MatType.CV_8UC3)
        {
            throw new ArgumentException($"{Id}: face detection needs an 8-bit 3-channel BGR image, got {image.Describe()}", nameof(image));
        }

        float threshold = minConfidence ?? DefaultMinConfidence;
        if (!(threshold >= 0 && threshold <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(minConfidence), threshold, "minConfidence must lie in [0, 1]");
        }

        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return DetectCore(image, threshold);
        }
    }

    /// <summary>Finds faces scoring at least <paramref name="minConfidence"/>; called under the lock with a checked BGR image.</summary>
    protected abstract IReadOnlyList<DetectedFace> DetectCore(Mat image, float minConfidence);

    /// <summary>Releases the network and buffers; called once, under the lock.</summary>
    protected abstract void DisposeCore();

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            DisposeCore();
        }

        GC.SuppressFinalize(this);
    }
}
