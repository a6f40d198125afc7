namespace MaskTrainer.Training;

/// <summary>The trainable classifier placed on top of the frozen backbone's features.</summary>
public enum HeadKind
{
    /// <summary>Multinomial logistic regression: one linear layer and a softmax.</summary>
    SoftmaxRegression,

    /// <summary>One ReLU hidden layer (with dropout while training), then a linear layer and a softmax.</summary>
    Mlp,
}
