using System.Runtime.InteropServices;
using MaskTrainer.Imaging;
using OpenCvSharp;
using OpenCvSharp.Dnn;

namespace MaskTrainer.Faces;

/// <summary>
/// Raw detections of one frame before non-maximum suppression. Reused across frames by each
/// detector, so the per-frame work allocates only the faces it returns.
/// </summary>
internal sealed class FaceCandidates
{
    private readonly List<Rect> _boxes = [];
    private readonly List<float> _scores = [];
    private readonly List<IReadOnlyList<Point2f>?> _landmarks = [];
    private readonly List<int> _tags = [];

    public int Count => _boxes.Count;

    public void Clear()
    {
        _boxes.Clear();
        _scores.Clear();
        _landmarks.Clear();
        _tags.Clear();
    }

    /// <summary>
    /// Adds a box given by its corners in image pixels (rounded outwards to whole pixels).
    /// <paramref name="tag"/> is the caller's index for it (e.g. its anchor), handed back to
    /// <see cref="Suppress"/>'s landmark callback.
    /// </summary>
    public void Add(float x1, float y1, float x2, float y2, float score, IReadOnlyList<Point2f>? landmarks = null, int tag = -1)
    {
        if (!(x2 > x1 && y2 > y1) || float.IsNaN(score))
        {
            return; // degenerate regressions happen on noise; they are not faces
        }

        int left = (int)MathF.Floor(x1), top = (int)MathF.Floor(y1);
        int right = (int)MathF.Ceiling(x2), bottom = (int)MathF.Ceiling(y2);
        _boxes.Add(Rect.FromLTRB(left, top, right, bottom));
        _scores.Add(score);
        _landmarks.Add(landmarks);
        _tags.Add(tag);
    }

    /// <summary>
    /// Greedy NMS (OpenCV's), best score first. <paramref name="landmarksOf"/> (given the tag)
    /// supplies landmarks for the kept boxes only, so suppressed candidates cost no allocation.
    /// <paramref name="topK"/> &gt; 0: only the best that many candidates take part (OpenCV's top_k).
    /// </summary>
    public IReadOnlyList<DetectedFace> Suppress(float minConfidence, float nmsThreshold, Func<int, IReadOnlyList<Point2f>>? landmarksOf = null, int topK = 0)
    {
        if (_boxes.Count == 0)
        {
            return [];
        }

        CvDnn.NMSBoxes(_boxes, _scores, minConfidence, nmsThreshold, out int[] kept, topK: topK);
        var faces = new DetectedFace[kept.Length];
        for (int i = 0; i < kept.Length; i++)
        {
            int k = kept[i];
            var landmarks = _landmarks[k] ?? (landmarksOf is not null && _tags[k] >= 0 ? landmarksOf(_tags[k]) : null);
            faces[i] = new DetectedFace(_boxes[k], _scores[k], landmarks);
        }

        return faces;
    }
}
