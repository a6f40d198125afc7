using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Faces;

/// <summary>
/// Score fusion of independent detectors: every member runs on the whole image; each of their
/// detections scoring at least 0.2 is a candidate whose fused score is the mean, over members,
/// of that member's best score on a box overlapping the candidate (IoU &gt; 0.3; 0 when the
/// member saw nothing there). Then NMS and the threshold. Why: the models fail on different things (res10 on masked faces,
/// BlazeFace-back on textures), so a face both see moderately beats what either sees alone, and
/// one model's confident mistake is halved. The kept box is the candidate's; landmarks come from
/// the first member that has them for that face.
/// </summary>
public sealed class EnsembleFaceDetector : IVerifiedFaceDetector
{
    private readonly IFaceDetector[] _members;
    private readonly bool _ownsMembers;
    private readonly FaceVerification? _verification;
    private readonly FaceCandidates _candidates = new();
    private readonly object _gate = new();
    private bool _disposed;

    /// <summary>
    /// Fuses <paramref name="members"/> (disposed with this detector when <paramref name="ownsMembers"/>).
    /// <paramref name="options"/>.MinConfidence overrides <paramref name="defaultMinConfidence"/>.
    /// </summary>
    /// <paramref name="verifier"/> (optional, disposed with this detector when <paramref name="ownsMembers"/>)
    /// checks every face that passes the threshold; see <see cref="FaceVerifier"/>.
    public EnsembleFaceDetector(string id, IReadOnlyList<IFaceDetector> members, float defaultMinConfidence,
        FaceDetectorOptions? options = null, bool ownsMembers = true, FaceVerifier? verifier = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentNullException.ThrowIfNull(members);
        if (members.Count < 2)
        {
            throw new ArgumentException($"an ensemble needs at least two detectors, got {members.Count}", nameof(members));
        }

        Options = options ?? FaceDetectorOptions.Default;
        Options.Validate();
        Id = id;
        DefaultMinConfidence = Options.MinConfidence ?? defaultMinConfidence;
        _members = [.. members];
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

    /// <summary>The fused detectors, in order.</summary>
    public IReadOnlyList<IFaceDetector> Members => _members;

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
            var perMember = new IReadOnlyList<DetectedFace>[_members.Length];
            for (int m = 0; m < _members.Length; m++)
            {
                perMember[m] = _members[m].Detect(image, ScoreFusion.MemberFloor);
            }

            _candidates.Clear();
            ScoreFusion.Fuse(perMember, _candidates);
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
                foreach (var m in _members)
                {
                    m.Dispose();
                }

                _verification?.Dispose();
            }
        }
    }
}
