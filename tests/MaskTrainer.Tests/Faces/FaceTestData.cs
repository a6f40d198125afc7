using System.Collections.Concurrent;
using MaskTrainer.Faces;
using MaskTrainer.Models;
using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Tests.Faces;

/// <summary>
/// Shared models and data for the face tests: a download-free store over ../shared/models, and
/// one detector per id for the whole run (loading a network costs more than most tests; the
/// detectors lock internally, so test classes running in parallel may share them).
/// </summary>
internal static class FaceTestData
{
    public const string Faces3 = "2008_002506.jpg";
    public const string Dogs = "dogs.jpg";

    private static readonly Lazy<ModelStore> LazyStore = new(() => new ModelStore(new ModelStoreOptions
    {
        ModelsDirectories = SharedData.Models is { } dir ? [dir] : [],
        CacheDirectory = Path.Combine(Path.GetTempPath(), "mt-faces-tests-cache"),
        AllowDownload = false,
    }));

    private static readonly ConcurrentDictionary<string, Lazy<IFaceDetector>> Detectors = new();

    private static readonly Lazy<IReadOnlyDictionary<string, IReadOnlyList<LabelledFace>>> LazyLabels =
        new(() => LabelledFace.LoadCsv(Path.Combine(DlibFolder, "annotations", "boxes.csv")));

    public static ModelStore Store => LazyStore.Value;

    public static string DlibFolder => SharedData.Full("data/faces-dlib");

    public static IReadOnlyDictionary<string, IReadOnlyList<LabelledFace>> Labels => LazyLabels.Value;

    public static string DlibImage(string name) => Path.Combine(DlibFolder, "images", name);

    public static Mat Read(string name) => ImageCodec.Read(DlibImage(name));

    /// <summary>The run-wide detector for <paramref name="id"/>; do not dispose it.</summary>
    public static IFaceDetector Detector(string id) =>
        Detectors.GetOrAdd(id, key => new Lazy<IFaceDetector>(() => FaceDetectors.Create(key, Store))).Value;

    /// <summary><paramref name="image"/> with a replicated border of <paramref name="fraction"/> of its size on every side.</summary>
    public static Mat Pad(Mat image, float fraction)
    {
        int x = (int)Math.Round(image.Cols * fraction), y = (int)Math.Round(image.Rows * fraction);
        var padded = new Mat();
        Cv2.CopyMakeBorder(image, padded, y, y, x, x, BorderTypes.Replicate);
        return padded;
    }
}
