namespace MaskTrainer.Tests.Model;

internal static class MetricsTestData
{
    /// <summary>Truth and probabilities that reproduce a confusion matrix (predicted class gets 0.8).</summary>
    public static (int[] Truth, float[] Probabilities) FromConfusion(int[][] confusion)
    {
        int k = confusion.Length;
        var truth = new List<int>();
        var probabilities = new List<float>();
        for (int t = 0; t < k; t++)
        {
            for (int p = 0; p < k; p++)
            {
                for (int n = 0; n < confusion[t][p]; n++)
                {
                    truth.Add(t);
                    for (int c = 0; c < k; c++)
                    {
                        probabilities.Add(c == p ? 0.8f : 0.2f / (k - 1));
                    }
                }
            }
        }

        return (truth.ToArray(), probabilities.ToArray());
    }
}
