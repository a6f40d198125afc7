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
    /// scores fused at 0.275 (<see cref="CascadeFaceDetector"/>). See README for the measurements
    /// and which of the bars it misses.
    /// </summary>
    public const string DefaultId = CascadeId;

    /// <summary>res10 and BlazeFace-back, both on every image, mean score at 0.275 (<see cref="EnsembleFaceDetector"/>).</summary>
    public const string EnsembleId = "ensemble";

    /// <summary>BlazeFace-back, then res10 only when needed; same fusion and threshold as <see cref="EnsembleId"/>.</summary>
    public const string CascadeId = "cascade";

    /// <summary>Threshold of the ensemble and the cascade on their fused score.</summary>
    public const float FusedThreshold = 0.275f;

    /// <summary>Every id <see cref="Create"/> accepts, the default first.</summary>
    public static IReadOnlyList<string> Ids { get; } =
    [
        CascadeId,
        EnsembleId,
        Res10SsdDetector.ModelId,
        BlazeFaceDetector.BackModelId,
        BlazeFaceDetector.FrontModelId,
        UltraFaceDetector.ModelId,
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
            BlazeFaceDetector.FrontModelId => BlazeFaceDetector.Create(BlazeFaceVariant.Front, store, options),
            UltraFaceDetector.ModelId => UltraFaceDetector.Create(store, options),
            HaarFaceDetector.ModelId => HaarFaceDetector.Create(store, options),
            _ => throw new UnknownFaceDetectorException(id, Ids),
        };
    }

    private static IFaceDetector CreateFused(string id, ModelStore store, FaceDetectorOptions? options)
    {
        // Members keep the NMS setting but no threshold override: the fused detector asks them
        // for everything above its floor and applies MinConfidence to the fused score.
        var memberOptions = new FaceDetectorOptions { NmsThreshold = (options ?? FaceDetectorOptions.Default).NmsThreshold };
        var back = BlazeFaceDetector.Create(BlazeFaceVariant.Back, store, memberOptions);
        try
        {
            var res10 = Res10SsdDetector.Create(store, memberOptions);
            return id == CascadeId
                ? new CascadeFaceDetector(id, back, res10, FusedThreshold, options)
                : new EnsembleFaceDetector(id, [back, res10], FusedThreshold, options);
        }
        catch
        {
            back.Dispose();
            throw;
        }
    }
}
