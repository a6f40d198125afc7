namespace MaskTrainer.Detect.Cli;

/// <summary>Which input the detector reads.</summary>
public enum InputKind
{
    Camera,
    Video,
    Image,
}
