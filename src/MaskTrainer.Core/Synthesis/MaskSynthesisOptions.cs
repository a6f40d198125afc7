using MaskTrainer.Faces;

namespace MaskTrainer.Synthesis;

/// <summary>Options of <see cref="MaskSynthesizer"/>, with documented defaults.</summary>
public sealed record MaskSynthesisOptions
{
    /// <summary>Seed of every random choice (default 42). Each face draws from its own generator, seeded from this, the image's relative path and the face's index, so results do not depend on the order files are processed in.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Styles to draw from (default: all of <see cref="MaskStyle"/>, weighted as <see cref="MaskAppearance.Random"/> says).</summary>
    public IReadOnlyList<MaskStyle> Styles { get; init; } = Enum.GetValues<MaskStyle>();

    /// <summary>
    /// Framing of the written crops: default a tight square (5% margin), like the face crops of
    /// public mask datasets. Training finds the face again in each crop and frames it its own
    /// way, so a tight crop makes a synthetic masked face reach the detector as a real one does.
    /// </summary>
    public FaceCropOptions Crop { get; init; } = new() { Margin = 0.05f, Square = true };

    /// <summary>
    /// Border replicated around each photo before detection, as a fraction of its size (default
    /// 0.25, as <see cref="FaceCropStageOptions.DetectionPadding"/>): face datasets are often
    /// tight crops, and detectors miss faces that touch the edge.
    /// </summary>
    public float DetectionPadding { get; init; } = 0.25f;

    /// <summary>Detections below this score are ignored; null = the detector's default.</summary>
    public float? MinConfidence { get; init; }

    /// <summary>
    /// How much the framing of each pair varies, 0..1 (default 0.5): the crop box is scaled by
    /// up to -30%/+10% and moved down by up to 12% and sideways by up to 4% of its size, times
    /// this value. Public masked-face sets hold many tight crops cut at the forehead or chin; a
    /// set where every masked face is framed alike teaches the framing. Both crops of a pair
    /// share the framing, so it never tells the classes apart.
    /// </summary>
    public double FramingJitter { get; init; } = 0.5;

    /// <summary>Which faces are fit for a mask.</summary>
    public FaceScreeningOptions Screening { get; init; } = new();

    /// <summary>Crops larger than this many pixels on a side are scaled down before writing (default 256; 0 = never).</summary>
    public int MaxOutputSize { get; init; } = 256;

    /// <summary>JPEG quality of the written crops, 1..100 (default 95).</summary>
    public int JpegQuality { get; init; } = 95;

    /// <summary>Masked versions written per face, each with its own appearance (default 1).</summary>
    public int MasksPerFace { get; init; } = 1;

    /// <summary>Layout of the contact sheet; its <see cref="ContactSheetOptions.MaxPairs"/> = 0 writes none.</summary>
    public ContactSheetOptions ContactSheet { get; init; } = new();
}
