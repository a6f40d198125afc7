using MaskTrainer.Faces;
using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Bench;

/// <summary>
/// Faces from a distance in their own surroundings (issue #13): the labelled faces-dlib photos
/// shrunk whole (<see cref="Scales"/>) and packed side by side into 1280x720 frames on grey, so a
/// face keeps its head, hair, shoulders and light, unlike <see cref="PastedSmallFaces"/>, whose
/// tight mask-sample crops bring a hard-edged rectangle with them. Recall per face width
/// (<see cref="Bins"/>, IoU ≥ <see cref="FaceMatch.DefaultIoU"/> as for faces-dlib) and the
/// detections that match no labelled face. Two packings (the photos in two orders) per scale.
/// With <c>video</c> the detector is asked as for camera frames
/// (<see cref="FaceDetectorOptions.ConsecutiveFrames"/>: the passes take turns) and each frame is
/// given twice, the second answer counted.
/// </summary>
internal sealed class ShrunkScenes : IDisposable
{
    /// <summary>How much each photo is shrunk.</summary>
    public static readonly double[] Scales = [0.75, 0.5, 0.35];

    /// <summary>Lower edges of the face-width bins in px (the last is open).</summary>
    public static readonly int[] Bins = [0, 16, 24, 32, 48];

    private readonly List<(Mat Frame, List<LabelledFace> Faces)> _frames = [];

    public ShrunkScenes(string facesDlib)
    {
        var labels = LabelledFace.LoadCsv(Path.Combine(facesDlib, "annotations", "boxes.csv"));
        var photos = labels.Keys.Order(StringComparer.Ordinal)
            .Select(name => (Name: name, Image: ImageCodec.Read(Path.Combine(facesDlib, "images", name)))).ToArray();
        try
        {
            foreach (var scale in Scales)
            {
                for (int turn = 0; turn < 2; turn++)
                {
                    // The second packing starts half-way through the list, so other photos share a frame.
                    var order = photos.Skip(turn * photos.Length / 2).Concat(photos.Take(turn * photos.Length / 2)).ToArray();
                    Pack(order, labels, scale);
                }
            }
        }
        finally
        {
            foreach (var p in photos)
            {
                p.Image.Dispose();
            }
        }

        var labelled = new int[Bins.Length];
        foreach (var (_, faces) in _frames)
        {
            foreach (var f in faces)
            {
                if (!f.Ignore)
                {
                    labelled[BinOf(f.Box.Width)]++;
                }
            }
        }

        Labelled = labelled;
    }

    /// <summary>Labelled faces (not ignored) per bin, over every frame.</summary>
    public IReadOnlyList<int> Labelled { get; }

    /// <summary>How many 1280x720 frames the photos fill.</summary>
    public int Frames => _frames.Count;

    /// <summary>Found faces per bin and unmatched detections.</summary>
    public (int[] Found, int Unmatched) Measure(IFaceDetector detector, bool video)
    {
        var found = new int[Bins.Length];
        int unmatched = 0;
        foreach (var (frame, faces) in _frames)
        {
            var detections = detector.Detect(frame);
            if (video)
            {
                detections = detector.Detect(frame);
            }

            unmatched += FaceMatch.Compare(faces, detections).FalsePositives;
            for (int b = 0; b < Bins.Length; b++)
            {
                var inBin = faces.Select(f => f.Ignore || BinOf(f.Box.Width) == b ? f : f with { Ignore = true }).ToList();
                found[b] += FaceMatch.Compare(inBin, detections).Found;
            }
        }

        return (found, unmatched);
    }

    public void Dispose()
    {
        foreach (var (frame, _) in _frames)
        {
            frame.Dispose();
        }
    }

    private static int BinOf(int width)
    {
        int b = Bins.Length - 1;
        while (width < Bins[b])
        {
            b--;
        }

        return b;
    }

    /// <summary>Shelf packing: left to right, a new row under the tallest photo of the last; a new frame when full.</summary>
    private void Pack((string Name, Mat Image)[] photos, IReadOnlyDictionary<string, IReadOnlyList<LabelledFace>> labels, double scale)
    {
        const int Width = 1280, Height = 720;
        int i = 0;
        while (i < photos.Length)
        {
            var frame = new Mat(Height, Width, MatType.CV_8UC3, new Scalar(114, 114, 114));
            var faces = new List<LabelledFace>();
            int x = 0, y = 0, shelf = 0;
            while (i < photos.Length)
            {
                var (name, image) = photos[i];
                int w = (int)(image.Cols * scale), h = (int)(image.Rows * scale);
                if (x + w > Width)
                {
                    (x, y, shelf) = (0, y + shelf, 0);
                }

                if (y + h > Height)
                {
                    break;
                }

                using (var small = BenchCv.Resized(image, new Size(w, h), InterpolationFlags.Area))
                {
                    small.CopyTo(frame[new Rect(x, y, w, h)]);
                }

                foreach (var f in labels[name])
                {
                    faces.Add(f with
                    {
                        Box = new Rect(x + (int)Math.Round(f.Box.X * scale), y + (int)Math.Round(f.Box.Y * scale),
                            (int)Math.Round(f.Box.Width * scale), (int)Math.Round(f.Box.Height * scale)),
                    });
                }

                (x, shelf, i) = (x + w, Math.Max(shelf, h), i + 1);
            }

            _frames.Add((frame, faces));
        }
    }
}
