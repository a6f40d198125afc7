namespace MaskTrainer.Training;

/// <summary>
/// A named block of float32 weights with its shape: the unit in which a trained head is
/// saved into (and loaded from) a model file. Row-major; <c>Data.Length</c> equals the
/// product of <c>Shape</c>.
/// </summary>
public sealed record NamedTensor(string Name, int[] Shape, float[] Data)
{
    /// <summary>Number of elements implied by <see cref="Shape"/>.</summary>
    public long ElementCount
    {
        get
        {
            long n = 1;
            foreach (var d in Shape)
            {
                n *= d;
            }

            return n;
        }
    }
}
