using MaskTrainer.Features;

namespace MaskTrainer;

/// <summary>
/// What a training run reports while it works: the CLI renders it as progress bars and
/// lines; a library user may ignore it (<see cref="TrainingObserver.Silent"/>).
/// </summary>
public interface ITrainingObserver
{
    /// <summary>A step starts or a fact worth a line ("Loaded 1,200 images in 2 classes").</summary>
    void Info(string message);

    /// <summary>Something the user should know but that does not stop the run.</summary>
    void Warning(string message);

    /// <summary>Featurizing progress of one part of the data ("train", "validation", "test").</summary>
    void Featurizing(string part, FeaturizeProgress progress);
}

/// <summary>Ready-made observers.</summary>
public static class TrainingObserver
{
    /// <summary>An observer that reports nothing.</summary>
    public static ITrainingObserver Silent { get; } = new SilentObserver();

    private sealed class SilentObserver : ITrainingObserver
    {
        public void Info(string message)
        {
        }

        public void Warning(string message)
        {
        }

        public void Featurizing(string part, FeaturizeProgress progress)
        {
        }
    }
}
