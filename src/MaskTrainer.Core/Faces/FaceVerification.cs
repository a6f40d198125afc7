using System.Globalization;
using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Faces;

/// <summary>
/// The second stage shared by the fused detectors: a <see cref="FaceVerifier"/> and the
/// likelihood under which it drops a face, with a count of what it dropped. The detector that
/// holds it serialises calls (the verifier locks too), and disposes it.
/// </summary>
public sealed class FaceVerification : IDisposable
{
    private long _rejected;

    /// <summary>Verifies with <paramref name="verifier"/> (owned) at <paramref name="minLikelihood"/>.</summary>
    /// <param name="bothWays">Each face must also pass mirrored (see <see cref="BothWays"/>).</param>
    public FaceVerification(FaceVerifier verifier, float minLikelihood = FaceVerifier.DefaultMinLikelihood, bool bothWays = false)
    {
        BothWays = bothWays;
        Verifier = verifier ?? throw new ArgumentNullException(nameof(verifier));
        if (!(minLikelihood >= 0 && minLikelihood <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(minLikelihood), minLikelihood, "minLikelihood must lie in [0, 1]");
        }

        MinLikelihood = minLikelihood;
    }

    /// <summary>The verifier.</summary>
    public FaceVerifier Verifier { get; }

    /// <summary>Faces scoring under this are dropped.</summary>
    public float MinLikelihood { get; }

    /// <summary>
    /// Whether a face is judged as it is and mirrored, and the lower likelihood counts: for faces
    /// a lower detection threshold lets through, where hands and arms are the usual mistakes.
    /// </summary>
    public bool BothWays { get; }

    /// <summary>Faces dropped so far.</summary>
    public long Rejections => Interlocked.Read(ref _rejected);

    /// <summary>Changes whenever the faces kept would: the head's fingerprint and the threshold (feature-cache keys use it).</summary>
    public string CacheKey => string.Create(CultureInfo.InvariantCulture, $"+v{Verifier.Fingerprint}@{MinLikelihood}{(BothWays ? "x2" : "")}");

    /// <summary>
    /// A stage for <paramref name="verifier"/> with the threshold of <paramref name="options"/>
    /// (default <see cref="FaceVerifier.DefaultMinLikelihood"/>); null when there is no verifier.
    /// </summary>
    public static FaceVerification? For(FaceVerifier? verifier, FaceDetectorOptions options, bool bothWays = false)
    {
        ArgumentNullException.ThrowIfNull(options);
        return verifier is null ? null : new FaceVerification(verifier, options.MinFaceLikelihood ?? FaceVerifier.DefaultMinLikelihood, bothWays);
    }

    /// <summary>
    /// <paramref name="faces"/> without those whose likelihood is under <see cref="MinLikelihood"/>;
    /// the same list when nothing is dropped. Runs after NMS so that each face is verified once.
    /// </summary>
    public IReadOnlyList<DetectedFace> Filter(IReadOnlyList<DetectedFace> faces, Mat image)
    {
        if (faces.Count == 0)
        {
            return faces;
        }

        // All faces in one forward pass; a frame rarely has more than a handful.
        Span<float> likelihoods = faces.Count <= 64 ? stackalloc float[faces.Count] : new float[faces.Count];
        Verifier.Likelihoods(image, faces, likelihoods, BothWays);
        List<DetectedFace>? kept = null;
        for (int i = 0; i < faces.Count; i++)
        {
            if (likelihoods[i] >= MinLikelihood)
            {
                kept?.Add(faces[i]);
                continue;
            }

            Interlocked.Increment(ref _rejected);
            if (kept is null)
            {
                kept = new List<DetectedFace>(faces.Count);
                for (int j = 0; j < i; j++)
                {
                    kept.Add(faces[j]);
                }
            }
        }

        return kept ?? faces;
    }

    public void Dispose() => Verifier.Dispose();
}
