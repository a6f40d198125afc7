namespace MaskTrainer.Training;

/// <summary>How Adam's learning rate changes with the epoch.</summary>
public enum LearningRateSchedule
{
    /// <summary>Always <see cref="HeadOptions.LearningRate"/>.</summary>
    Constant,

    /// <summary>Cosine decay from the learning rate to 0 over <see cref="HeadOptions.MaxEpochs"/>.</summary>
    Cosine,

    /// <summary>Multiplied by <see cref="HeadOptions.StepDecayFactor"/> every <see cref="HeadOptions.StepDecayEpochs"/> epochs.</summary>
    Step,
}
