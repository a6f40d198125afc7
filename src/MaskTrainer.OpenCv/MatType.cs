namespace MaskTrainer.OpenCv;

/// <summary>
/// Element types, valued as OpenCV's CV_ codes (depth + 8 * (channels - 1)); a Mat can report
/// other codes too (e.g. CV_8UC2), which are simply values outside the named ones.
/// </summary>
public enum MatType
{
    U8C1 = 0,
    U8C3 = 16,
    U8C4 = 24,
    U16C1 = 2,
    U16C3 = 18,
    F32C1 = 5,
    F32C3 = 21,
}
