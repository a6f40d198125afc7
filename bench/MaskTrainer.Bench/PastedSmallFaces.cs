using MaskTrainer.Faces;
using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Bench;

/// <summary>
/// Recall on faces seen from a distance (issue #13): mask-sample photos (masked and bare) pasted
/// into the faces-dlib photos (<see cref="PastedScenes"/>, dogs.jpg excluded) at the scale that
/// makes their face <see cref="Sizes"/> px wide. The face box in each photo is the reference
/// detector's (the training crop detector, on the photo padded by 25% as training pads it);
/// photos where it finds none are left out. A pasted face counts as found when a detection's
/// centre lies in its box grown by 25% and the detection is 0.5–2x as wide: boxes of different
/// detectors frame a face differently, so IoU against another detector's box would judge the
/// framing, not the finding. Faces already in the photos are ignored. Seeded: every detector
/// sees the same scenes.
/// <para>The paste ignores the photo's own faces, so some pasted faces lie on one of them (its centre
/// inside the ellipse of that face's box, <see cref="FaceBoxes.OnFace"/>): a smaller face in front of
/// a nearer one, which no camera sees, and which the detector counts as part of the face it lies on
/// (<see cref="FaceBoxes.HoldsAsPart"/>). Those are counted apart. The photo's faces are its labels,
/// or for the two unlabelled photos (the close-up portrait, the collage) the reference detector's.</para>
/// </summary>
internal sealed class PastedSmallFaces : IDisposable
{
    /// <summary>Face widths in pixels.</summary>
    public static readonly int[] Sizes = [24, 32, 48, 64];

    private const int Seed = 13;
    private readonly PastedScenes _scenes;
    private readonly List<(Mat Image, Rect Face, bool Masked)> _faces = [];
    private readonly List<IReadOnlyList<Rect>> _backgroundFaces = [];

    /// <param name="maskSample">mask-sample with with_mask/ and without_mask/.</param>
    /// <param name="perClass">Photos taken per class (the first by name).</param>
    public PastedSmallFaces(string facesDlib, string maskSample, IFaceDetector reference, int perClass)
    {
        _scenes = new PastedScenes(facesDlib, Seed);
        var labels = LabelledFace.LoadCsv(Path.Combine(facesDlib, "annotations", "boxes.csv"));
        for (int i = 0; i < _scenes.Count; i++)
        {
            _backgroundFaces.Add(labels.TryGetValue(Path.GetFileName(_scenes.Files[i]), out var truth)
                ? [.. truth.Select(f => f.Box)]
                : [.. reference.Detect(_scenes.Background(i)).Select(f => f.Box)]);
        }

        var stage = new FaceCropStage(reference, new FaceCropStageOptions());
        foreach (var (folder, masked) in new[] { ("with_mask", true), ("without_mask", false) })
        {
            var files = Directory.GetFiles(Path.Combine(maskSample, folder)).Where(ImageCodec.HasImageExtension)
                .Order(StringComparer.Ordinal).Take(perClass);
            foreach (var file in files)
            {
                var image = ImageCodec.Read(file);
                if (Reference(stage, image) is { } face)
                {
                    _faces.Add((image, face, masked));
                }
                else
                {
                    image.Dispose();
                }
            }
        }
    }

    /// <summary>Photos with a reference face.</summary>
    public int Count => _faces.Count;

    public int MaskedCount => _faces.Count(f => f.Masked);

    /// <summary>
    /// Found per size, of all faces and of the masked ones; and how many were pasted on a face of
    /// the photo (<see cref="OnPhotosFace"/>) and how many of those were found.
    /// </summary>
    public (int Found, int FoundMasked, int OnFace, int FoundOnFace)[] Measure(IFaceDetector detector)
    {
        var result = new (int Found, int FoundMasked, int OnFace, int FoundOnFace)[Sizes.Length];
        _scenes.Restart(); // every detector sees the same scenes
        for (int s = 0; s < Sizes.Length; s++)
        {
            foreach (var (image, face, masked) in _faces)
            {
                double scale = Sizes[s] / (double)face.Width;
                var (scene, pasted) = _scenes.Next(image, scale);
                using (scene)
                {
                    var box = new Rect(pasted.X + (int)Math.Round(face.X * scale), pasted.Y + (int)Math.Round(face.Y * scale),
                        (int)Math.Round(face.Width * scale), (int)Math.Round(face.Height * scale));
                    bool onFace = OnPhotosFace(box, _backgroundFaces[_scenes.LastBackground]);
                    result[s].OnFace += onFace ? 1 : 0;
                    if (Found(detector.Detect(scene), box))
                    {
                        result[s].Found++;
                        result[s].FoundMasked += masked ? 1 : 0;
                        result[s].FoundOnFace += onFace ? 1 : 0;
                    }
                }
            }
        }

        return result;
    }

    public void Dispose()
    {
        _scenes.Dispose();
        foreach (var f in _faces)
        {
            f.Image.Dispose();
        }
    }

    /// <summary>Whether the pasted face's centre lies on one of the photo's own faces (inside the ellipse of its box).</summary>
    private static bool OnPhotosFace(Rect pasted, IReadOnlyList<Rect> photoFaces)
    {
        var centre = FaceBoxes.Centre(pasted);
        foreach (var f in photoFaces)
        {
            if (FaceBoxes.OnFace(f, centre))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Found(IReadOnlyList<DetectedFace> detections, Rect face)
    {
        int gx = face.Width / 4, gy = face.Height / 4;
        var zone = Rect.FromLTRB(face.X - gx, face.Y - gy, face.Right + gx, face.Bottom + gy);
        foreach (var d in detections)
        {
            if (zone.Contains(FaceBoxes.Centre(d.Box)) && d.Box.Width >= face.Width / 2 && d.Box.Width <= face.Width * 2)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The photo's main face as training finds it (<see cref="FaceCropStage.FindMainFace"/>: padded by 25 %, the face most inside the photo), clipped to the photo.</summary>
    private static Rect? Reference(FaceCropStage stage, Mat image)
    {
        if (stage.FindMainFace(image) is not { } face)
        {
            return null;
        }

        var box = face.Box.Intersect(new Rect(0, 0, image.Cols, image.Rows));
        return box.Width >= 8 && box.Height >= 8 ? box : null;
    }
}
