namespace MaskTrainer.Faces;

/// <summary>The two MediaPipe BlazeFace models in the catalog.</summary>
public enum BlazeFaceVariant
{
    /// <summary>Front-camera (short-range) model, 128x128 input: faces filling much of the frame ("blazeface").</summary>
    Front,

    /// <summary>Back-camera (long-range) model, 256x256 input: also small faces ("blazeface-back").</summary>
    Back,
}
