namespace MaskTrainer.Training;

/// <summary>How examples of each class are weighted in the training loss.</summary>
public enum ClassWeighting
{
    /// <summary>Every example counts the same.</summary>
    None,

    /// <summary>
    /// Weight of class c is n / (k * n_c) (n examples, k classes, n_c of class c), as in
    /// scikit-learn's "balanced": each class contributes equally, so a minority class is not ignored.
    /// </summary>
    Balanced,
}
