namespace MaskTrainer.Faces;

/// <summary>
/// How one image's detections compare with its labelled faces: each labelled face (not ignored)
/// is found when an unused detection overlaps it by at least the IoU bar (best overlap first);
/// a detection that overlaps no labelled face (ignored ones included) that well is false.
/// </summary>
public readonly record struct FaceMatch(int Labelled, int Found, int FalsePositives)
{
    /// <summary>The usual bar for face boxes, whose labelling conventions differ between datasets.</summary>
    public const float DefaultIoU = 0.4f;

    /// <summary>Matches <paramref name="detections"/> against <paramref name="labelled"/>.</summary>
    public static FaceMatch Compare(IReadOnlyList<LabelledFace> labelled, IReadOnlyList<DetectedFace> detections, float minIoU = DefaultIoU)
    {
        ArgumentNullException.ThrowIfNull(labelled);
        ArgumentNullException.ThrowIfNull(detections);
        var used = new bool[detections.Count];
        int count = 0, found = 0;
        foreach (var face in labelled)
        {
            if (face.Ignore)
            {
                continue;
            }

            count++;
            int best = -1;
            float bestIoU = minIoU;
            for (int j = 0; j < detections.Count; j++)
            {
                float iou = FaceBoxes.IoU(face.Box, detections[j].Box);
                if (!used[j] && iou >= bestIoU)
                {
                    best = j;
                    bestIoU = iou;
                }
            }

            if (best >= 0)
            {
                used[best] = true;
                found++;
            }
        }

        int falsePositives = 0;
        for (int j = 0; j < detections.Count; j++)
        {
            if (used[j])
            {
                continue;
            }

            bool overlapsAny = false;
            foreach (var face in labelled)
            {
                overlapsAny |= FaceBoxes.IoU(face.Box, detections[j].Box) >= minIoU;
            }

            if (!overlapsAny)
            {
                falsePositives++;
            }
        }

        return new FaceMatch(count, found, falsePositives);
    }

    /// <summary>Sum of two tallies.</summary>
    public static FaceMatch operator +(FaceMatch a, FaceMatch b) =>
        new(a.Labelled + b.Labelled, a.Found + b.Found, a.FalsePositives + b.FalsePositives);

    /// <summary>Found / labelled (1 when nothing is labelled).</summary>
    public double Recall => Labelled == 0 ? 1 : (double)Found / Labelled;
}
