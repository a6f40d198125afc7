using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Faces;

/// <summary>
/// A cheaper <see cref="EnsembleFaceDetector"/> of two models: the fast primary proposes faces,
/// and the slow secondary runs (on the whole image) only when some proposal is uncertain, i.e.
/// scores at least 0.2 but under twice the threshold — the band in which the mean of the two
/// scores decides. Then the result is exactly the ensemble's. When every proposal is either
/// confident (≥ 2 × threshold: accepted whatever the secondary says) or noise (&lt; 0.2), the
/// secondary is skipped and each proposal keeps its own score (the secondary is assumed to
/// agree). What that gives up: a face the primary scores under 0.2 that the secondary alone
/// would rescue, in a frame with nothing uncertain. In a webcam loop with a clear face the
/// secondary is rarely needed, which is where the speed comes from.
/// </summary>
public sealed class CascadeFaceDetector : IVerifiedFaceDetector
{
    private readonly IFaceDetector _primary;
    private readonly IFaceDetector _secondary;
    private readonly bool _ownsMembers;
    private readonly FaceVerification? _verification;
    private readonly FaceCandidates _candidates = new();
    private readonly object _gate = new();
    private long _calls, _secondaryCalls;
    private bool _disposed;

    /// <summary>
    /// Chains <paramref name="primary"/> and <paramref name="secondary"/> (disposed with this
    /// detector when <paramref name="ownsMembers"/>); <paramref name="options"/>.MinConfidence
    /// overrides <paramref name="defaultMinConfidence"/>, which applies to the fused score.
    /// </summary>
    /// <paramref name="verifier"/> (optional, disposed with this detector when <paramref name="ownsMembers"/>)
    /// checks every face that passes the threshold; see <see cref="FaceVerifier"/>.
    public CascadeFaceDetector(string id, IFaceDetector primary, IFaceDetector secondary, float defaultMinConfidence,
        FaceDetectorOptions? options = null, bool ownsMembers = true, FaceVerifier? verifier = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        _primary = primary ?? throw new ArgumentNullException(nameof(primary));
        _secondary = secondary ?? throw new ArgumentNullException(nameof(secondary));
        Options = options ?? FaceDetectorOptions.Default;
        Options.Validate();
        Id = id;
        DefaultMinConfidence = Options.MinConfidence ?? defaultMinConfidence;
        _ownsMembers = ownsMembers;
        _verification = FaceVerification.For(verifier, Options);
    }

    /// <inheritdoc />
    public string Id { get; }

    /// <inheritdoc />
    public float DefaultMinConfidence { get; }

    /// <summary>The options this detector was made with.</summary>
    public FaceDetectorOptions Options { get; }

    /// <inheritdoc />
    public FaceVerification? Verification => _verification;

    /// <summary>The second stage's verifier, or null when faces are not verified.</summary>
    public FaceVerifier? Verifier => _verification?.Verifier;

    /// <summary>The model that runs on every image.</summary>
    public IFaceDetector Primary => _primary;

    /// <summary>The model consulted when the primary is unsure.</summary>
    public IFaceDetector Secondary => _secondary;

    /// <summary>Images processed so far.</summary>
    public long Calls
    {
        get
        {
            lock (_gate)
            {
                return _calls;
            }
        }
    }

    /// <summary>Images on which the secondary had to run.</summary>
    public long SecondaryCalls
    {
        get
        {
            lock (_gate)
            {
                return _secondaryCalls;
            }
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<DetectedFace> Detect(Mat image, float? minConfidence = null)
    {
        ImageArgument.ThrowIfNullOrDisposed(image);
        float threshold = minConfidence ?? DefaultMinConfidence;
        if (!(threshold >= 0 && threshold <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(minConfidence), threshold, "minConfidence must lie in [0, 1]");
        }

        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _calls++;
            var proposals = _primary.Detect(image, ScoreFusion.MemberFloor);
            bool uncertain = false;
            foreach (var p in proposals)
            {
                uncertain |= p.Score >= ScoreFusion.CandidateFloor && p.Score < 2 * threshold;
            }

            _candidates.Clear();
            if (uncertain)
            {
                _secondaryCalls++;
                var verdicts = _secondary.Detect(image, ScoreFusion.MemberFloor);
                ScoreFusion.Fuse([proposals, verdicts], _candidates);
            }
            else
            {
                foreach (var p in proposals)
                {
                    if (p.Score >= ScoreFusion.CandidateFloor)
                    {
                        _candidates.Add(p.Box.X, p.Box.Y, p.Box.Right, p.Box.Bottom, p.Score, p.Landmarks);
                    }
                }
            }

            var faces = _candidates.Suppress(threshold, Options.NmsThreshold);
            return _verification is null ? faces : _verification.Filter(faces, image);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            if (_ownsMembers)
            {
                _primary.Dispose();
                _secondary.Dispose();
                _verification?.Dispose();
            }
        }
    }
}
