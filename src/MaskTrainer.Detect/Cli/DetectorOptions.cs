using MaskTrainer.Model;
using MaskTrainer.Detect.Alerts;

namespace MaskTrainer.Detect.Cli;

/// <summary>Everything the command line sets, with the documented defaults (see docs/detector.md).</summary>
public sealed record DetectorOptions
{

    public InputKind Input { get; init; } = InputKind.Camera;

    /// <summary>--camera N (default 0).</summary>
    public int CameraIndex { get; init; }

    /// <summary>--video FILE or --image FILE.</summary>
    public string? InputPath { get; init; }

    /// <summary>--images PATH...: image files and/or folders (see <see cref="Sources.ImageList"/>).</summary>
    public IReadOnlyList<string> ImagePaths { get; init; } = [];

    /// <summary>--model (default artifacts/mask_model.zip).</summary>
    public string ModelPath { get; init; } = MaskModel.DefaultPath;

    /// <summary>--models-dir: offline folders holding model files (also MASKTRAINER_MODELS).</summary>
    public IReadOnlyList<string> ModelsDirectories { get; init; } = [];

    /// <summary>
    /// --detector: a catalog face-detector id; null (default) = the one the model records for live
    /// frames (<see cref="Model.FaceCropPolicy.LiveDetectorId"/>), else <see cref="Faces.FaceDetectors.LiveId"/>.
    /// </summary>
    public string? DetectorId { get; init; }

    /// <summary>--min-face-confidence; null = the detector's own default.</summary>
    public float? MinFaceConfidence { get; init; }

    /// <summary>--min-face-size: faces below this many pixels are too small to judge; null = the model's <see cref="Model.FaceCropPolicy.MinFaceSize"/>.</summary>
    public int? MinFaceSize { get; init; }

    /// <summary>--threshold: masked when P(mask) &gt;= this (default 0.5).</summary>
    public float Threshold { get; init; } = 0.5f;

    /// <summary>--mask-label: which label means mask (default: by name, see <see cref="Classification.MaskLabels"/>).</summary>
    public string? MaskLabel { get; init; }

    /// <summary>--proximity-width (default 0.25 of the frame width).</summary>
    public double ProximityWidth { get; init; } = AlertOptions.Default.ProximityWidth;

    /// <summary>--min-distance (default 3w).</summary>
    public DistanceThreshold MinDistance { get; init; } = DistanceThreshold.Default;

    /// <summary>--reclassify-every (default 4 frames).</summary>
    public int ReclassifyEvery { get; init; } = Tracking.TrackerOptions.Default.ReclassifyEvery;

    /// <summary>--hold-frames: frames a confirmed face the detector missed is still shown (default 2; video and camera only).</summary>
    public int HoldFrames { get; init; } = Tracking.TrackerOptions.Default.HoldFrames;

    /// <summary>--smoothing: weight of a new classification in the moving average (default 0.5).</summary>
    public float Smoothing { get; init; } = 0.5f;

    /// <summary>--no-window.</summary>
    public bool NoWindow { get; init; }

    /// <summary>--output FILE (a folder with --images).</summary>
    public string? OutputPath { get; init; }

    /// <summary>--json.</summary>
    public bool Json { get; init; }

    /// <summary>--loop: play a video again from the start when it ends.</summary>
    public bool Loop { get; init; }

    /// <summary>--realtime: play --video at its own frame rate, like a camera (<see cref="Sources.RealtimeSource"/>).</summary>
    public bool Realtime { get; init; }

    /// <summary>--max-frames (0 = no limit).</summary>
    public long MaxFrames { get; init; }
}
