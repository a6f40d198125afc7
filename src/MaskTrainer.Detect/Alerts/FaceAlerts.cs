namespace MaskTrainer.Detect.Alerts;

/// <summary>The alerts raised for one face (flags: a face can raise both).</summary>
[Flags]
public enum FaceAlerts
{
    None = 0,

    /// <summary>An unmasked face is so wide in the frame that the person is too near the camera ("keep your distance").</summary>
    Proximity = 1,

    /// <summary>The face's centre is closer to another face's centre than the minimum distance (the seeds' social-distancing check).</summary>
    Distancing = 2,
}
