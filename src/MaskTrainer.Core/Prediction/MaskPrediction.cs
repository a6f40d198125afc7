using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Prediction;

/// <summary>The classifier's answer for one face or image.</summary>
/// <param name="Label">The most probable class.</param>
/// <param name="LabelIndex">Its index in the model's labels.</param>
/// <param name="Probability">Its probability.</param>
/// <param name="Probabilities">Every class's probability, in label order.</param>
/// <param name="FaceBox">Where the face was found (whole-image predictions with face crop only).</param>
public sealed record MaskPrediction(string Label, int LabelIndex, float Probability, float[] Probabilities, Rect? FaceBox = null)
{
    /// <summary>Probability of the class named <paramref name="label"/> (0 when the model does not know it).</summary>
    public float ProbabilityOf(string label, IReadOnlyList<string> labels)
    {
        for (int i = 0; i < labels.Count; i++)
        {
            if (string.Equals(labels[i], label, StringComparison.Ordinal))
            {
                return Probabilities[i];
            }
        }

        return 0f;
    }
}
