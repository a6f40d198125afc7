using MaskTrainer.OpenCv;

namespace MaskTrainer.Faces;

/// <summary>The second stage shared by the fused detectors: drop faces the verifier rejects.</summary>
internal static class FaceVerification
{
    /// <summary>
    /// <paramref name="faces"/> without those whose <see cref="FaceVerifier.Likelihood"/> is under
    /// <paramref name="minLikelihood"/>; the same list when nothing is dropped. Runs after NMS so
    /// that each face is verified once; counts the dropped ones in <paramref name="rejected"/>.
    /// </summary>
    public static IReadOnlyList<DetectedFace> Filter(IReadOnlyList<DetectedFace> faces, Mat image, FaceVerifier? verifier, float minLikelihood, ref long rejected)
    {
        if (verifier is null || faces.Count == 0)
        {
            return faces;
        }

        // All faces in one forward pass; a frame rarely has more than a handful.
        Span<float> likelihoods = faces.Count <= 64 ? stackalloc float[faces.Count] : new float[faces.Count];
        verifier.Likelihoods(image, faces, likelihoods);
        List<DetectedFace>? kept = null;
        for (int i = 0; i < faces.Count; i++)
        {
            bool keep = likelihoods[i] >= minLikelihood;
            if (!keep && kept is null)
            {
                kept = new List<DetectedFace>(faces.Count);
                for (int j = 0; j < i; j++)
                {
                    kept.Add(faces[j]);
                }
            }

            if (!keep)
            {
                rejected++;
            }
            else
            {
                kept?.Add(faces[i]);
            }
        }

        return kept ?? faces;
    }
}
