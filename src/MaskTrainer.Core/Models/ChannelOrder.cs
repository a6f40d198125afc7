namespace MaskTrainer.Models;

/// <summary>Colour channel order a network expects (catalog spelling <c>"RGB"</c> / <c>"BGR"</c>).
/// OpenCV decodes images as BGR, so <see cref="Rgb"/> means "swap R and B".</summary>
public enum ChannelOrder
{
    /// <summary>Red, green, blue.</summary>
    Rgb,

    /// <summary>Blue, green, red (OpenCV's native order).</summary>
    Bgr,
}
