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
    /// OpenCV's DNN; the same boxes to within rounding, but not bit for bit. 3: the tiled detectors
    /// tile still images finer (<see cref="TiledFaceDetector.StillMaxTileShrink"/>). 4: <see cref="UltraFaceBackTilesId"/>
    /// keeps UltraFace's verified faces from <see cref="UnsureUltraFaceFrom"/>. 5: on a tiled image a face
    /// small for the whole-image passes keeps the tiles' box (<see cref="TiledFaceDetector.CoarseFaceWidth"/>).
    /// 6: a face far narrower than a kept face whose box holds its centre is a face of its own (<see cref="TiledFaceDetector.InnerFaceWidthRatio"/>).
    /// 7: only in the kept box's corners, not on the face itself; two boxes are one face whichever holds the
    /// other's centre, UltraFace's own included (<see cref="TiledFaceDetector.OneBoxPerFace"/>).
    /// 8: res10's graph NMS takes only its 400 best boxes and keeps its 200 best, as OpenCV's
    /// DetectionOutput did (it matters at the fused detectors' low floors); the verifier's head
    /// retrained from the proposals that gives.
    /// </summary>
    public const int Revision = 8;

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
    /// <see cref="UltraFaceTilesId"/> plus BlazeFace-back on the whole image from
    /// <see cref="BackSecondPassThreshold"/>: UltraFace misses a quarter of masked faces (it scores
    /// many masked close-ups under 0.1), BlazeFace-back finds them. Every face UltraFace's whole-image
    /// pass did not find (BlazeFace's and the tiles') must pass the face verifier as it is and
    /// mirrored (<see cref="FaceVerification.BothWays"/>), which keeps hands and arms out; so must
    /// UltraFace's own faces scored from <see cref="UnsureUltraFaceFrom"/> up to its threshold.
    /// </summary>
    public const string UltraFaceBackTilesId = "ultraface-back-tiles";

    /// <summary>
    /// BlazeFace-back's threshold in <see cref="UltraFaceBackTilesId"/>, under its own 0.5: alone at
    /// 0.5 it finds 0.888 of the padded masked faces; at 0.25, with UltraFace, 0.977. Without the
    /// verifier it runs at its own 0.5 (nothing else would check its low scores). Its false faces
    /// at that level (hands, arms) are what the verifier, run both ways, is for (docs/detector.md).
    /// </summary>
    public const float BackSecondPassThreshold = 0.25f;

    /// <summary>
    /// The face verifier's bar in <see cref="UltraFaceBackTilesId"/> (unless the options set one):
    /// 0.03, the top of the range in which the cascade's bars held in cross-validation, rather than
    /// <see cref="FaceVerifier.DefaultMinLikelihood"/> (0.015), because every face judged there is one
    /// the first detector did not find. At 0.015 BlazeFace-back's boxes on a blurred tree behind the
    /// person of the bare-face test video (likelihood 0.016-0.029 both ways, up to 0.045 one way)
    /// got through in 10 of 206 frames.
    /// </summary>
    public const float SecondPassMinLikelihood = 0.03f;

    /// <summary>
    /// In <see cref="UltraFaceBackTilesId"/>, UltraFace's whole-image faces scored from 0.3 up to its
    /// 0.7 are kept when the verifier passes them both ways, as BlazeFace-back's are: masked faces
    /// UltraFace is unsure of. Measured with <c>bench recall-study</c> (docs/detector.md): padded masked
    /// faces 0.978 -> 0.980, pasted 32 px 0.690 -> 0.695, with no new false face on faces-dlib, dogs.jpg
    /// or either test video, and no measurable cost (the boxes come from the pass that runs anyway).
    /// From 0.2 a face on dogs.jpg and 3 false faces on faces-dlib; 0.4 keeps the masked-face gain.
    /// </summary>
    public const float UnsureUltraFaceFrom = 0.3f;

    /// <summary>
    /// The face detector for live frames: UltraFace on the whole frame and on tiles of a large one,
    /// plus BlazeFace-back for the masked faces UltraFace misses (<see cref="UltraFaceBackTilesId"/>).
    /// Training records it in every model (<c>FaceCropPolicy.LiveDetectorId</c>) and the detector
    /// app uses the model's unless told otherwise. Why not <see cref="DefaultId"/>, which cuts the
    /// training crops: measured on this project's data (docs/detector.md), UltraFace finds the face
    /// in every frame of both test videos and reports nothing on dogs.jpg, the tiles find faces far
    /// from the camera (pasted 32 px faces 0.34 -> 0.68 with the photos' finer tiles), and BlazeFace-back
    /// and UltraFace's unsure faces, with the verifier run both ways, lift padded masked faces from 0.750
    /// to 0.980 with 1 false face on faces-dlib, all from npm; the cascade needs res10 (GitHub) for the same masked-face rate, with 4 false faces.
    /// </summary>
    public const string LiveId = UltraFaceBackTilesId;

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
        UltraFaceBackTilesId,
        MultiScaleId,
        HaarFaceDetector.ModelId,
    ];

    /// <summary>
    /// The catalog models detector <paramref name="id"/> loads with its face verifier on (the
    /// default), so `models fetch &lt;detector&gt;` can fetch what that detector needs; null for an
    /// id that is not a detector. The cascade and the ensemble list res10 although they run without it.
    /// </summary>
    public static IReadOnlyList<string>? ModelIds(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        string back = BlazeFaceDetector.BackModelId, res10 = Res10SsdDetector.ModelId, ultra = UltraFaceDetector.ModelId, verifier = FaceVerifier.ModelId;
        return id.ToLowerInvariant() switch // detector ids are case-insensitive, as the detector app takes them
        {
            CascadeId or EnsembleId => [back, res10, verifier],
            BackVerifiedId => [back, verifier],
            UltraFaceTilesId => [ultra, verifier],
            UltraFaceBackTilesId => [ultra, back, verifier],
            MultiScaleId => [ultra, back, res10, verifier],
            Res10SsdDetector.ModelId or BlazeFaceDetector.BackModelId or BlazeFaceDetector.FrontModelId
                or UltraFaceDetector.ModelId or HaarFaceDetector.ModelId => [id],
            _ => null,
        };
    }

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
            UltraFaceTilesId or UltraFaceBackTilesId or MultiScaleId => CreateTiled(id, store, options),
            HaarFaceDetector.ModelId => HaarFaceDetector.Create(store, options),
            _ => throw new UnknownFaceDetectorException(id, Ids),
        };
    }

    /// <summary>
    /// <see cref="UltraFaceTilesId"/>, <see cref="UltraFaceBackTilesId"/> and <see cref="MultiScaleId"/>:
    /// UltraFace on the tiles, the verifier on the faces only the tiles (or BlazeFace-back) found. Needs every model (no fallback): without res10
    /// or the verifier it would not be the detector that was measured.
    /// </summary>
    private static IFaceDetector CreateTiled(string id, ModelStore store, FaceDetectorOptions? options)
    {
        var o = options ?? FaceDetectorOptions.Default;
        var memberOptions = MemberOptions(o);
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

            if (id != UltraFaceBackTilesId)
            {
                return new TiledFaceDetector(id, whole, ultra, ultra.InputSize, options, FaceVerification.For(verifier, o));
            }

            var second = BlazeFaceDetector.Create(BlazeFaceVariant.Back, store, memberOptions);
            owned.Add(second);
            // Without the verifier (VerifyFaces off) BlazeFace-back's low scores would go unchecked:
            // it then runs at its own threshold, as it does alone.
            var verification = verifier is null ? null
                : new FaceVerification(verifier, o.MinFaceLikelihood ?? SecondPassMinLikelihood, bothWays: true);
            return new TiledFaceDetector(id, whole, ultra, ultra.InputSize, options, verification,
                new SecondPass(second, verifier is null ? second.DefaultMinConfidence : BackSecondPassThreshold),
                verifyWholeFrom: verifier is null ? null : UnsureUltraFaceFrom);
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

    /// <summary>
    /// What a combined detector's members take from its options: the NMS setting and the threads,
    /// but no threshold override, as the combined detector asks them for everything above its
    /// floor and applies MinConfidence to what it reports.
    /// </summary>
    private static FaceDetectorOptions MemberOptions(FaceDetectorOptions o) => new() { NmsThreshold = o.NmsThreshold, Threads = o.Threads };

    private static IFaceDetector CreateFused(string id, ModelStore store, FaceDetectorOptions? options)
    {
        var o = options ?? FaceDetectorOptions.Default;
        var memberOptions = MemberOptions(o);
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
                if (o.VerifyFaces)
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
                if (o.VerifyFaces)
                {
                    try
                    {
                        verifier = FaceVerifier.Create(store, threads: o.Threads);
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
