using MaskTrainer.Models;
using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Faces;

/// <summary>
/// OpenCV's Viola-Jones cascade (haarcascade_frontalface_default.xml from Debian's opencv-data)
/// on the grey image, scale step 1.1, 5 neighbours, faces from 24 px. A baseline: no landmarks,
/// and no confidence — the bridge does not expose the cascade's level weights, so every face
/// scores 1.0: any threshold up to 1 keeps them all. Faces come largest first.
/// </summary>
public sealed class HaarFaceDetector : FaceDetectorBase
{
    /// <summary>Catalog id.</summary>
    public const string ModelId = "haar";

    /// <summary>Default threshold; every detection scores 1.0, so any value up to 1 keeps all.</summary>
    public const float DefaultThreshold = 0.5f;

    private const double ScaleFactor = 1.1;
    private const int MinNeighbors = 5;
    private const int MinSize = 24;

    private readonly CascadeClassifier _cascade;
    private readonly Mat _gray = new();

    /// <summary>Loads the cascade XML file.</summary>
    public HaarFaceDetector(string cascadePath, FaceDetectorOptions? options = null)
        : base(ModelId, DefaultThreshold, options)
    {
        _cascade = OpenCvData.LoadCascade(cascadePath);
    }

    /// <summary>Loads the cascade from <paramref name="store"/> (which finds the system copy of opencv-data).</summary>
    public static HaarFaceDetector Create(ModelStore store, FaceDetectorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        var spec = ModelCatalog.Default.Get(ModelId);
        return new HaarFaceDetector(store.GetFilePath(spec, spec.Files[0].Name), options);
    }

    protected override IReadOnlyList<DetectedFace> DetectCore(Mat image, float minConfidence)
    {
        if (minConfidence > 1f)
        {
            return [];
        }

        Cv2.CvtColor(image, _gray, ColorConversionCodes.BGR2GRAY);
        var rects = _cascade.DetectMultiScale(_gray, ScaleFactor, MinNeighbors, minSize: new Size(MinSize, MinSize));
        // The cascade groups overlapping hits itself; largest first stands in for "best first".
        Array.Sort(rects, (a, b) => b.Area.CompareTo(a.Area));
        var faces = new DetectedFace[rects.Length];
        for (int i = 0; i < rects.Length; i++)
        {
            faces[i] = new DetectedFace(rects[i], 1f);
        }

        return faces;
    }

    protected override void DisposeCore()
    {
        _cascade.Dispose();
        _gray.Dispose();
    }
}
