using MaskTrainer.Models;

namespace MaskTrainer.Faces;

/// <summary>
/// Creates face detectors by id. The single models are the catalog's face detectors; the
/// default fuses two of them (see <see cref="DefaultId"/> and README for the measurements).
/// </summary>
public static class FaceDetectors
{
    /// <summary>
    /// The default: BlazeFace-back proposes, res10 is consulted when a proposal is uncertain,
    /// scores fused at 0.225, then each face is checked by <see cref="FaceVerifier"/>
    /// (<see cref="CascadeFaceDetector"/>). See README for the measurements.
    /// </summary>
    public const string DefaultId = CascadeId;

    /// <summary>
    /// Revision of the detectors' implementation, part of every cached crop's key: bump it when
    /// a detector may return other boxes for the same image, so no crop cut by the old one is
    /// reused. 2: res10 runs in ONNX Runtime (converted from its TensorFlow graph) instead of
    /// OpenCV's DNN; the same boxes to within rounding, but not bit for bit.
    /// </summary>
    public const int Revision = 2;

    /// <summary>res10 and BlazeFace-back, both on every image, mean score at 0.275 (<see cref="EnsembleFaceDetector"/>).</summary>
    public const string EnsembleId = "ensemble";

    /// <summary>BlazeFace-back, then res10 only when needed; same fusion and threshold as <see cref="EnsembleId"/>.</summary>
    public const string CascadeId = "cascade";

    /// <summary>
    /// UltraFace on the whole image as alone, plus UltraFace on overlapping tiles of a large image
    /// (faces far from the camera), the tiles' new faces checked by the face verifier (<see cref="TiledFaceDetector"/>).
    /// </summary>
    public const string UltraFaceTilesId = "ultraface-tiles";

    /// <summary>
    /// The face detector for live frames: UltraFace, on the whole frame and on tiles of a large one
    /// (<see cref="UltraFaceTilesId"/>). Training records it in every model
    /// (<c>FaceCropPolicy.LiveDetectorId</c>) and the detector app uses the model's unless told
    /// otherwise. Why not <see cref="DefaultId"/>, which cuts the training crops: measured on this
    /// project's data (docs/detector.md), UltraFace is the fastest detector that finds the face in
    /// every frame of both test videos and reports nothing on dogs.jpg, and the tiles find faces far
    /// from the camera it misses (pasted 32 px faces 0.34 -> 0.63) while the app keeps 48 FPS at
    /// 720p and a live p50 latency of 27 ms; the cascade, a fusion tuned for dataset crops, finds
    /// more masked close-ups but is 3-5x slower per frame.
    /// </summary>
    public const string LiveId = UltraFaceTilesId;

    /// <summary>
    /// BlazeFace-back with the face verifier (<see cref="VerifiedFaceDetector"/>): what the cascade
    /// falls back to when res10 cannot be fetched (it comes from GitHub; these two from npm).
    /// </summary>
    public const string BackVerifiedId = "blazeface-back-verified";

    /// <summary>The cascade (with its verifier) on the whole image, plus UltraFace's tiles as in <see cref="UltraFaceTilesId"/>.</summary>
    public const string MultiScaleId = "multiscale";

    /// <summary>
    /// Threshold of the ensemble and the cascade on their fused score, with the face verifier:
    /// the middle of the range [0.2, 0.275] in which every bar of issue #3 holds in cross-validation (README).
    /// </summary>
    public const float FusedThreshold = 0.225f;

    /// <summary>
    /// Threshold without the verifier (<see cref="FaceDetectorOptions.VerifyFaces"/> false, or
    /// fr_landmark not available): the middle of the range in which the recall bars hold.
    /// </summary>
    public const float UnverifiedFusedThreshold = 0.275f;

    /// <summary>Every id <see cref="Create"/> accepts, the default first.</summary>
    public static IReadOnlyList<string> Ids { get; } =
    [
        CascadeId,
        EnsembleId,
        Res10SsdDetector.ModelId,
        BlazeFaceDetector.BackModelId,
        BackVerifiedId,
        BlazeFaceDetector.FrontModelId,
        UltraFaceDetector.ModelId,
        UltraFaceTilesId,
        MultiScaleId,
        HaarFaceDetector.ModelId,
    ];

    /// <summary>
    /// Creates the detector <paramref name="id"/> with its models from <paramref name="store"/>
    /// (fetched if missing and the store allows downloads). Throws
    /// <see cref="UnknownFaceDetectorException"/> listing <see cref="Ids"/> for an unknown id.
    /// </summary>
    public static IFaceDetector Create(string id, ModelStore store, FaceDetectorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(store);
        return id switch
        {
            CascadeId or EnsembleId => CreateFused(id, store, options),
            Res10SsdDetector.ModelId => Res10SsdDetector.Create(store, options),
            BlazeFaceDetector.BackModelId => BlazeFaceDetector.Create(BlazeFaceVariant.Back, store, options),
            BackVerifiedId => CreateBackVerified(store, options),
            BlazeFaceDetector.FrontModelId => BlazeFaceDetector.Create(BlazeFaceVariant.Front, store, options),
            UltraFaceDetector.ModelId => UltraFaceDetector.Create(store, options),
            UltraFaceTilesId or MultiScaleId => CreateTiled(id, store, options),
            HaarFaceDetector.ModelId => HaarFaceDetector.Create(store, options),
            _ => throw new UnknownFaceDetectorException(id, Ids),
        };
    }

    /// <summary>
    /// <see cref="UltraFaceTilesId"/> and <see cref="MultiScaleId"/>: UltraFace on the tiles, the
    /// verifier on the faces only the tiles found. Needs every model (no fallback): without res10
    /// or the verifier it would not be the detector that was measured.
    /// </summary>
    private static IFaceDetector CreateTiled(string id, ModelStore store, FaceDetectorOptions? options)
    {
        var o = options ?? FaceDetectorOptions.Default;
        var memberOptions = new FaceDetectorOptions { NmsThreshold = o.NmsThreshold, Threads = o.Threads };
        var owned = new List<IDisposable>();
        try
        {
            var ultra = UltraFaceDetector.Create(store, memberOptions);
            owned.Add(ultra);

            // One verifier serves the cascade and the tiles (its calls are serialised and its
            // Dispose runs once, so both may release it).
            var verifier = o.VerifyFaces ? FaceVerifier.Create(store, threads: o.Threads) : null;
            if (verifier is not null)
            {
                owned.Add(verifier);
            }

            IFaceDetector whole = ultra;
            if (id == MultiScaleId)
            {
                var back = BlazeFaceDetector.Create(BlazeFaceVariant.Back, store, memberOptions);
                owned.Add(back);
                var res10 = Res10SsdDetector.Create(store, memberOptions);
                owned.Add(res10);
                whole = Cascade(CascadeId, back, res10, verifier, memberOptions with { MinFaceLikelihood = o.MinFaceLikelihood });
            }

            return new TiledFaceDetector(id, whole, ultra, ultra.InputSize, options, verifier);
        }
        catch
        {
            foreach (var d in owned)
            {
                d.Dispose();
            }

            throw;
        }
    }

    /// <summary>The cascade of BlazeFace-back and res10 at the fused threshold that goes with its verifier (or its absence).</summary>
    private static CascadeFaceDetector Cascade(string id, BlazeFaceDetector back, Res10SsdDetector res10, FaceVerifier? verifier, FaceDetectorOptions? options) =>
        new(id, back, res10, verifier is null ? UnverifiedFusedThreshold : FusedThreshold, options, verifier: verifier);

    private static VerifiedFaceDetector CreateBackVerified(ModelStore store, FaceDetectorOptions? options)
    {
        var o = options ?? FaceDetectorOptions.Default;
        var back = BlazeFaceDetector.Create(BlazeFaceVariant.Back, store, options);
        try
        {
            var verifier = FaceVerifier.Create(store, threads: o.Threads);
            return new VerifiedFaceDetector(BackVerifiedId, back, FaceVerification.For(verifier, o)!);
        }
        catch
        {
            back.Dispose();
            throw;
        }
    }

    private static IFaceDetector CreateFused(string id, ModelStore store, FaceDetectorOptions? options)
    {
        // Members keep the NMS setting but no threshold override: the fused detector asks them
        // for everything above its floor and applies MinConfidence to the fused score.
        var memberOptions = new FaceDetectorOptions { NmsThreshold = (options ?? FaceDetectorOptions.Default).NmsThreshold };
        var back = BlazeFaceDetector.Create(BlazeFaceVariant.Back, store, memberOptions);
        try
        {
            Res10SsdDetector res10;
            try
            {
                res10 = Res10SsdDetector.Create(store, memberOptions);
            }
            catch (ModelDownloadException e)
            {
                // Degrade rather than stop: BlazeFace-back alone still finds every labelled
                // face of faces-dlib and 89% of masked faces at its own threshold (README), and
                // the verifier (from npm, like BlazeFace) still rejects what is not a face.
                back.Dispose();
                string reason = $"face detector '{id}' needs res10, which could not be fetched ({e.Message})";
                if ((options ?? FaceDetectorOptions.Default).VerifyFaces)
                {
                    try
                    {
                        var verified = CreateBackVerified(store, options);
                        options?.OnFallback?.Invoke($"{reason}; using {BackVerifiedId} (BlazeFace-back and the face verifier)");
                        return verified;
                    }
                    catch (ModelDownloadException)
                    {
                        // The verifier cannot be fetched either: BlazeFace-back alone, below.
                    }
                }

                options?.OnFallback?.Invoke($"{reason}; using {BlazeFaceDetector.BackModelId} alone");
                return BlazeFaceDetector.Create(BlazeFaceVariant.Back, store, options);
            }

            FaceVerifier? verifier = null;
            try
            {
                if ((options ?? FaceDetectorOptions.Default).VerifyFaces)
                {
                    try
                    {
                        verifier = FaceVerifier.Create(store, threads: (options ?? FaceDetectorOptions.Default).Threads);
                    }
                    catch (ModelDownloadException e)
                    {
                        // Degrade rather than stop, as for res10: the fused scores alone still
                        // meet the recall bars, only dog faces get through (README).
                        options?.OnFallback?.Invoke($"face detector '{id}' could not fetch its face verifier {FaceVerifier.ModelId} ({e.Message}); running without it");
                    }
                }

                return id == CascadeId
                    ? Cascade(id, back, res10, verifier, options)
                    : new EnsembleFaceDetector(id, [back, res10], verifier is null ? UnverifiedFusedThreshold : FusedThreshold, options, verifier: verifier);
            }
            catch
            {
                res10.Dispose();
                verifier?.Dispose();
                throw;
            }
        }
        catch
        {
            back.Dispose();
            throw;
        }
    }
}
