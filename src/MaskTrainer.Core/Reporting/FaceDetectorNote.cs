using MaskTrainer.Faces;
using MaskTrainer.Model;

namespace MaskTrainer.Reporting;

/// <summary>
/// The one line saying which face detector cut a command's faces, and that the other commands use
/// the other one. A model records two (<c>FaceCropPolicy</c>): the detector that cut its training
/// crops, which <c>evaluate</c> and training's test metrics use, and the live detector, which
/// <c>predict</c> and the detector app find faces with (<c>FaceDetectors.LiveId</c> says why they
/// differ). On the same photo they can give other crops and so other labels (a probe: 1 of 80 wrong
/// by evaluate, 6 of 80 by predict), and nothing said so. Worded here only, for every command alike.
/// </summary>
public static class FaceDetectorNote
{
    private const string TrainingRole = "the training crops' detector";
    private const string LiveRole = "the model's live detector";

    /// <summary>For <c>evaluate</c> and training's test metrics: faces cut by the training crops' detector.</summary>
    /// <param name="usedId">The detector that cut the faces (a stand-in when the recorded one could not run).</param>
    /// <param name="policy">The model's face crop, which names its live detector.</param>
    public static string ForMetrics(string usedId, FaceCropPolicy policy) =>
        Line(usedId, TrainingRole, "predict and the detector app", policy.LiveDetector(), LiveRole);

    /// <summary>For <c>predict</c> (and the detector app): faces found by the model's live detector.</summary>
    /// <param name="usedId">The live detector that found the faces.</param>
    /// <param name="policy">The model's face crop, which names the detector of its training crops.</param>
    public static string ForLive(string usedId, FaceCropPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return Line(usedId, LiveRole, "evaluate and training's test metrics", policy.DetectorId ?? FaceDetectors.DefaultId, TrainingRole);
    }

    private static string Line(string usedId, string usedRole, string others, string otherId, string otherRole) =>
        string.Equals(usedId, otherId, StringComparison.OrdinalIgnoreCase)
            ? $"Face detector: {usedId} ({usedRole}), which {others} use too."
            : $"Face detector: {usedId} ({usedRole}); {others} use {otherId} ({otherRole}), so their labels of the same photo can differ.";
}
