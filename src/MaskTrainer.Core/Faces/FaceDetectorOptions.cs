namespace MaskTrainer.Faces;

/// <summary>Options shared by the face detectors, with documented defaults.</summary>
public sealed record FaceDetectorOptions
{
    /// <summary>
    /// Overrides the detector's <see cref="IFaceDetector.DefaultMinConfidence"/> (null = keep the
    /// detector's own, chosen from the measurements in README).
    /// </summary>
    public float? MinConfidence { get; init; }

    /// <summary>
    /// Non-maximum suppression: a box overlapping a better one by more than this IoU is dropped
    /// (default 0.3, the usual value for faces, which rarely overlap that much).
    /// </summary>
    public float NmsThreshold { get; init; } = 0.3f;

    /// <summary>
    /// Told when the fused default cannot get res10 (its canonical source is not reachable from
    /// every network, e.g. machines that only reach package registries) and BlazeFace-back alone
    /// is used instead. Null = fall back silently (the detector's <see cref="IFaceDetector.Id"/>
    /// still says which one runs, and the model file records it).
    /// </summary>
    public Action<string>? OnFallback { get; init; }

    /// <summary>
    /// Whether the fused detectors (cascade, ensemble) check each face with
    /// <see cref="FaceVerifier"/> before reporting it (default true: that is what keeps them off
    /// dog faces; README). When false, or when the verifier's model cannot be fetched, they run
    /// without it at their unverified threshold.
    /// </summary>
    public bool VerifyFaces { get; init; } = true;

    /// <summary>
    /// Face likelihood under which the verifier drops a face (null = the detector's own:
    /// <see cref="FaceVerifier.DefaultMinLikelihood"/>, or <see cref="FaceDetectors.SecondPassMinLikelihood"/>
    /// for <see cref="FaceDetectors.UltraFaceBackTilesId"/>).
    /// </summary>
    public float? MinFaceLikelihood { get; init; }

    /// <summary>
    /// Threads each ONNX Runtime session of the detector may use (default 0 = one per core).
    /// </summary>
    public int Threads { get; init; }

    /// <summary>
    /// The images are consecutive frames of one video or camera, given in order by one caller
    /// (default false: every image is judged on its own, as photos and training crops are). A
    /// detector with extra passes may then spread them over frames: <see cref="TiledFaceDetector"/>
    /// runs its second pass and its tiles on alternate frames, and a face one of them found stands
    /// in the next frame too, unless a face found there stands for it. The detector app sets it for
    /// video and camera input.
    /// </summary>
    public bool ConsecutiveFrames { get; init; }

    /// <summary>Default options.</summary>
    public static FaceDetectorOptions Default { get; } = new();

    internal void Validate()
    {
        if (MinConfidence is { } c && !(c >= 0 && c <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(MinConfidence), c, "MinConfidence must lie in [0, 1]");
        }

        if (MinFaceLikelihood is { } l && !(l >= 0 && l <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(MinFaceLikelihood), l, "MinFaceLikelihood must lie in [0, 1]");
        }

        if (Threads < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Threads), Threads, "Threads must be 0 (one per core) or more");
        }

        if (!(NmsThreshold > 0 && NmsThreshold <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(NmsThreshold), NmsThreshold, "NmsThreshold must lie in (0, 1]");
        }
    }
}
