namespace MaskTrainer.Detect.Cli;

/// <summary>Which input the detector reads.</summary>
public enum InputKind
{
    Camera,
    Video,
    Image,

    /// <summary>--images: several files and/or folders, each image processed on its own.</summary>
    Images,
}
